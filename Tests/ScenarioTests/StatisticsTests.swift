import Testing
@testable import ScenarioModel

@Suite struct StatisticsTests {
    @Test("chi-square tail matches tabulated critical values", arguments: [(1, 10.828), (2, 13.816), (3, 16.266)])
    func criticalValues(df: Int, critical: Double) {
        #expect(abs(ChiSquare.criticalValue(significance: 0.001, degreesOfFreedom: df) - critical) < 0.01)
        #expect(abs(ChiSquare.pValue(statistic: critical, degreesOfFreedom: df) - 0.001) < 1e-5)
    }

    @Test("an even split within noise passes")
    func evenSplitPasses() {
        #expect(SplitTest.evaluate(observed: [70, 62, 68], weights: [34, 33, 33], tolerance: 0.1).passed)
    }

    @Test("a split that ignores the weights fails")
    func wrongSplitFails() {
        let outcome = SplitTest.evaluate(observed: [100, 100, 100], weights: [10, 10, 80], tolerance: 0.1)
        #expect(!outcome.passed)
        #expect(outcome.pValue < 0.001)
    }

    @Test("traffic to a version weighted 0 fails even once")
    func zeroWeight() {
        let outcome = SplitTest.evaluate(observed: [1, 99, 0], weights: [0, 100, 0], tolerance: 0.1)
        #expect(!outcome.passed)
        #expect(outcome.unexpectedCategories == [0])
    }

    @Test("a significant but tiny skew of a huge sample passes (tolerance)")
    func tinySkew() {
        #expect(SplitTest.evaluate(observed: [52_000, 48_000], weights: [50, 50], tolerance: 0.05).passed)
    }

    @Test("the minimum sample size grows as the tolerance shrinks")
    func sampleSize() {
        let loose = SplitTest.minimumSampleSize(weights: [34, 33, 33], tolerance: 0.15)
        let tight = SplitTest.minimumSampleSize(weights: [34, 33, 33], tolerance: 0.05)
        #expect(loose < tight)
        #expect(loose > 20)
    }

    @Test("binomial check", arguments: [
        (20, 200, 0.1, true), (30, 200, 0.1, true), (80, 200, 0.1, false), (0, 200, 0.0, true), (1, 200, 0.0, false), (200, 200, 1.0, true),
    ])
    func binomial(successes: Int, trials: Int, rate: Double, holds: Bool) {
        #expect(BinomialCheck.holds(successes: successes, trials: trials, rate: rate, tolerance: 0.05) == holds)
    }
}
