package dev.rgal.cmi;

import dev.rgal.api.ComponentRequest;
import dev.rgal.api.model.Architectures;
import dev.rgal.api.options.Options;
import dev.rgal.api.synthesis.SynthesisTerm;
import dev.rgal.api.synthesis.SynthesisTermFactory;
import jakarta.inject.Inject;

/**
 * The factory bound as {@code cmi-contrastive}. Guice builds it with the host's architecture
 * registry, which the term needs to probe the teacher's feature size.
 */
public final class ContrastiveTermFactory implements SynthesisTermFactory {
  private final Architectures architectures;

  @Inject
  public ContrastiveTermFactory(Architectures architectures) {
    this.architectures = architectures;
  }

  @Override
  public SynthesisTerm create(ComponentRequest request) {
    return ContrastiveTerm.create(request, architectures);
  }

  @Override
  public Options options() {
    return ContrastiveTerm.OPTIONS;
  }
}
