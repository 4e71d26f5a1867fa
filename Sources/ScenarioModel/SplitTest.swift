import Foundation

/// Chi-square goodness of fit for weighted routing, combined with a tolerance.
///
/// A split assertion fails only when the deviation is both statistically significant (p below
/// `significance`, so sampling noise never fails a run: not flaky) and larger than the
/// tolerance (so a tiny but real skew of a huge sample does not either). The loader refuses
/// request counts too small for a deviation of the tolerance to be significant (not blind).
public enum SplitTest {
    /// Fixed significance level: one false alarm in a thousand runs of a correct lab.
    public static let significance = 0.001

    public struct Outcome: Hashable, Sendable {
        public var passed: Bool
        public var statistic: Double
        public var pValue: Double
        /// Largest |observed share − expected share|.
        public var maximumDeviation: Double
        /// Categories with weight 0 that still received requests.
        public var unexpectedCategories: [Int]
    }

    public static func evaluate(observed: [Int], weights: [Double], tolerance: Double) -> Outcome {
        let total = observed.reduce(0, +)
        let weightSum = weights.reduce(0, +)
        guard total > 0, weightSum > 0, observed.count == weights.count else {
            return Outcome(passed: false, statistic: 0, pValue: 0, maximumDeviation: 1, unexpectedCategories: [])
        }
        var statistic = 0.0
        var deviation = 0.0
        var unexpected: [Int] = []
        var categories = 0
        for (index, count) in observed.enumerated() {
            let share = weights[index] / weightSum
            deviation = max(deviation, abs(Double(count) / Double(total) - share))
            if share == 0 {
                if count > 0 { unexpected.append(index) }
                continue
            }
            categories += 1
            let expected = share * Double(total)
            statistic += (Double(count) - expected) * (Double(count) - expected) / expected
        }
        let pValue = categories > 1 ? ChiSquare.pValue(statistic: statistic, degreesOfFreedom: categories - 1) : 1
        let significant = pValue < significance
        let passed = unexpected.isEmpty && !(significant && deviation > tolerance)
        return Outcome(passed: passed, statistic: statistic, pValue: pValue, maximumDeviation: deviation, unexpectedCategories: unexpected)
    }

    /// The fewest requests for which moving `tolerance` of the traffic between the two
    /// smallest non-zero categories is expected to reach significance.
    public static func minimumSampleSize(weights: [Double], tolerance: Double) -> Int {
        let sum = weights.reduce(0, +)
        let shares = weights.filter { $0 > 0 }.map { $0 / sum }.sorted()
        guard shares.count > 1, tolerance > 0 else { return 1 }
        let degrees = shares.count - 1
        let critical = ChiSquare.criticalValue(significance: significance, degreesOfFreedom: degrees)
        let perRequest = tolerance * tolerance / shares[0] + tolerance * tolerance / shares[1]
        return Int(((critical - Double(degrees)) / perRequest).rounded(.up))
    }
}

/// Binomial check of an observed fraction (sampling rate, abort and delay percentages).
///
/// Same rule as `SplitTest`: fail only when the count is outside `z` standard deviations
/// (z = 3.29, two-sided 0.001) and the share is off by more than the tolerance. A rate of
/// exactly 0 or 1 is checked exactly.
public enum BinomialCheck {
    public static let z = 3.29

    public static func holds(successes: Int, trials: Int, rate: Double, tolerance: Double) -> Bool {
        guard trials > 0 else { return false }
        if rate <= 0 { return successes == 0 }
        if rate >= 1 { return successes == trials }
        let expected = Double(trials) * rate
        let sd = (Double(trials) * rate * (1 - rate)).squareRoot()
        let outsideNoise = abs(Double(successes) - expected) > z * sd
        let outsideTolerance = abs(Double(successes) / Double(trials) - rate) > tolerance
        return !(outsideNoise && outsideTolerance)
    }
}

/// The chi-square distribution's tail, via the regularised incomplete gamma function
/// (Numerical Recipes §6.2: series for x < a + 1, continued fraction otherwise).
public enum ChiSquare {
    public static func pValue(statistic: Double, degreesOfFreedom: Int) -> Double {
        guard statistic > 0 else { return 1 }
        return upperRegularizedGamma(a: Double(degreesOfFreedom) / 2, x: statistic / 2)
    }

    /// The statistic whose p-value is `significance` (bisection).
    public static func criticalValue(significance: Double, degreesOfFreedom: Int) -> Double {
        var low = 0.0, high = 1000.0
        for _ in 0..<100 {
            let middle = (low + high) / 2
            if pValue(statistic: middle, degreesOfFreedom: degreesOfFreedom) > significance { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }

    static func upperRegularizedGamma(a: Double, x: Double) -> Double {
        let logGammaA = logGamma(a)
        if x < a + 1 {
            var sum = 1 / a, term = 1 / a, n = a
            for _ in 0..<500 {
                n += 1
                term *= x / n
                sum += term
                if abs(term) < abs(sum) * 1e-15 { break }
            }
            let lower = sum * exp(-x + a * log(x) - logGammaA)
            return max(0, 1 - lower)
        }
        var b = x + 1 - a, c = 1 / 1e-300, d = 1 / b, h = d
        for i in 1...500 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < 1e-300 { d = 1e-300 }
            c = b + an / c
            if abs(c) < 1e-300 { c = 1e-300 }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return min(1, exp(-x + a * log(x) - logGammaA) * h)
    }

    /// Lanczos approximation of ln Γ(x) for x > 0.
    static func logGamma(_ x: Double) -> Double {
        let coefficients = [76.18009172947146, -86.50532032941677, 24.01409824083091,
                            -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5]
        var y = x
        let tmp = x + 5.5 - (x + 0.5) * log(x + 5.5)
        var series = 1.000000000190015
        for coefficient in coefficients {
            y += 1
            series += coefficient / y
        }
        return -tmp + log(2.5066282746310005 * series / x)
    }
}
