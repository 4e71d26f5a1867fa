import Foundation

/// JSONSerialization hands numbers back as NSNumber (or Int/Double on some platforms).
protocol NSNumberLike {
    var doubleValue: Double { get }
}

extension NSNumber: NSNumberLike {}
extension Int: NSNumberLike { var doubleValue: Double { Double(self) } }
extension Double: NSNumberLike { var doubleValue: Double { self } }
