package dev.lobench.results;

import java.util.Map;

/**
 * First record of every results file: what ran, where and how. {@code type} is always {@code "header"}.
 */
public record RunHeader(
        String type,
        int schemaVersion,
        String runId,
        String suite,
        String lobenchVersion,
        String gitCommit,
        String jvm,
        String djlVersion,
        String libtorchVersion,
        String cpuModel,
        int threads,
        String os,
        String startTime,
        String commandLine,
        Map<String, Object> extra) {
    public static final String TYPE = "header";
}
