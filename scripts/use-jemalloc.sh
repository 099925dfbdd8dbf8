# Sourced by ./rgal and scripts/test. PyTorch allocates and frees tens of MB per layer and step;
# glibc hands that memory back to the kernel and faults it in again, which cost a third of the CPU
# time (synthesis 1.4x, the WRN KD step 2x slower). jemalloc told to keep freed pages avoids it.
# Used when installed (scripts/ensure-jemalloc.sh); RGAL_NO_JEMALLOC=1 turns it off.
rgal_jemalloc=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
if [ -z "${RGAL_NO_JEMALLOC:-}" ] && [ -f "$rgal_jemalloc" ]; then
  case ":${LD_PRELOAD:-}:" in
    *":$rgal_jemalloc:"*) ;;
    *) export LD_PRELOAD="$rgal_jemalloc${LD_PRELOAD:+:$LD_PRELOAD}" ;;
  esac
  export MALLOC_CONF="${MALLOC_CONF:-dirty_decay_ms:-1,muzzy_decay_ms:-1}"
fi
unset rgal_jemalloc
