package dev.rgal.toolkit.teacher;

import dev.rgal.api.model.FeatureNet;

/** A teacher read from its directory: the network (parameters frozen) and its metadata. */
public record LoadedTeacher(FeatureNet net, TeacherMetadata metadata) {}
