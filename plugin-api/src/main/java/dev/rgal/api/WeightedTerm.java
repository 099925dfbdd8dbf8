package dev.rgal.api;

/** A built loss term with the name and weight it was configured with. */
public record WeightedTerm<T>(String name, double weight, T term) {}
