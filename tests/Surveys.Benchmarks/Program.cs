using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/Surveys.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Surveys.Benchmarks.ScoringBenchmarks).Assembly).Run(args);
