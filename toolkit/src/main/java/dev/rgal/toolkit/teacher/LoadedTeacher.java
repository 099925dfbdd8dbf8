package dev.rgal.toolkit.teacher;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

import dev.rgal.api.model.FeatureNet;

/** A teacher read from its directory: the network (parameters frozen) and its metadata. */
@API(status = STABLE, since = "0.1")
public record LoadedTeacher(FeatureNet net, TeacherMetadata metadata) {}
