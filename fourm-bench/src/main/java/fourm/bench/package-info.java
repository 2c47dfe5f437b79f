/**
 * fourm's JMH benchmarks: the 4M training step ({@link fourm.bench.TrainStepBenchmark}) and forward pass
 * ({@link fourm.bench.ForwardBenchmark}) on the tiny and micro configurations ({@link fourm.bench.BenchConfig}), the
 * fp32 GEMM rate through the same engine ({@link fourm.bench.GemmBenchmark}), and the report of tokens/s, model FLOP/s
 * and their ratio to the GEMM rate ({@link fourm.bench.Report}); {@link fourm.bench.BenchMain} runs them all.
 * {@link fourm.bench.TrainBench} is the training measurement without JMH that {@code fourm bench train} prints.
 */
package fourm.bench;
