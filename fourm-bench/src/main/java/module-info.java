/**
 * fourm's benchmarks (JMH): the training step and forward pass of the 4M transformer on the tiny and micro
 * configurations, the fp32 GEMM rate through the same engine, and their report. Run with {@code bin/fourm-bench}
 * (the class path: JMH forks one JVM per benchmark); nothing here runs during the build's tests.
 */
module fourm.bench {
    requires fourm.core;
    requires jmh.core;
    requires com.google.gson;
    requires ai.djl.api;
    requires ai.djl.pytorch_engine;
    requires java.management;
    requires jdk.management;

    exports fourm.bench;
    // JMH's generated stubs instantiate the @State classes reflectively.
    opens fourm.bench;
}
