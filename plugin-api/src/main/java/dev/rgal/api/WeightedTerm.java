package dev.rgal.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/** A built loss term with the name and weight it was configured with. */
@API(status = STABLE, since = "0.1")
public record WeightedTerm<T>(String name, double weight, T term) {}
