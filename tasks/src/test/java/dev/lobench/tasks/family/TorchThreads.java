package dev.lobench.tasks.family;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class with one libtorch intra-op thread and restores the previous count afterwards. The models in
 * tests are tiny, and on a shared 2-core machine every parallel op's thread barrier can cost a scheduler time slice.
 */
public final class TorchThreads implements BeforeAllCallback, AfterAllCallback {
    private int previous;

    @Override
    public void beforeAll(ExtensionContext context) {
        Engine.getEngine("PyTorch");
        previous = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        JniUtils.setNumThreads(previous);
    }
}
