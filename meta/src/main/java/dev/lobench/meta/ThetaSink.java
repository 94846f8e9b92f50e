package dev.lobench.meta;

import java.io.IOException;
import java.nio.file.Path;

/** Receives the final meta-trained theta (e.g. the star/small-fc safetensors writer). */
@FunctionalInterface
public interface ThetaSink {
    void write(MetaArch arch, float[] theta, Path out) throws IOException;
}
