import Foundation

/// A colour in CIELAB (D65 white), with the conversions the palettes need.
public struct LabColor: Equatable, Sendable {
    public var l, a, b: Double
    public init(l: Double, a: Double, b: Double) { self.l = l; self.a = a; self.b = b }

    /// CIE 1976 colour difference (Euclidean distance in CIELAB).
    public func deltaE76(_ o: LabColor) -> Double {
        let dl = l - o.l, da = a - o.a, db = b - o.b
        return (dl * dl + da * da + db * db).squareRoot()
    }
    /// Hue angle, degrees in [0, 360).
    public var hue: Double { let h = atan2(b, a) * 180 / .pi; return h < 0 ? h + 360 : h }
    public var chroma: Double { (a * a + b * b).squareRoot() }
}

/// How a colour is seen: normal vision or a simulated colour-vision deficiency.
public enum Vision: String, CaseIterable, Sendable {
    case normal, deuteranopia, protanopia
}

/// sRGB ↔ CIELAB and the simulation of dichromacy.
///
/// The simulation uses the matrices of Machado, Oliveira & Fernandes,
/// « A Physiologically-based Model for Simulation of Color Vision
/// Deficiency », IEEE TVCG 15(6), 2009 (severity 1.0), applied to linear
/// RGB, as colorspacious and the Chromium/Firefox developer tools do.
public enum ColorScience {
    static let protanopia: [Double] = [0.152286, 1.052583, -0.204868,
                                       0.114503, 0.786281, 0.099216,
                                       -0.003882, -0.048116, 1.051998]
    static let deuteranopia: [Double] = [0.367322, 0.860646, -0.227968,
                                         0.280085, 0.672501, 0.047413,
                                         -0.011820, 0.042940, 0.968881]
    // sRGB (D65) to XYZ, IEC 61966-2-1.
    static let toXYZ: [Double] = [0.4124564, 0.3575761, 0.1804375,
                                  0.2126729, 0.7151522, 0.0721750,
                                  0.0193339, 0.1191920, 0.9503041]
    static let fromXYZ: [Double] = [3.2404542, -1.5371385, -0.4985314,
                                    -0.9692660, 1.8760108, 0.0415560,
                                    0.0556434, -0.2040259, 1.0572252]
    static let white = (0.95047, 1.0, 1.08883)

    static func mul(_ m: [Double], _ v: (Double, Double, Double)) -> (Double, Double, Double) {
        (m[0] * v.0 + m[1] * v.1 + m[2] * v.2, m[3] * v.0 + m[4] * v.1 + m[5] * v.2, m[6] * v.0 + m[7] * v.1 + m[8] * v.2)
    }
    static func toLinear(_ c: Double) -> Double { c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
    static func toGamma(_ c: Double) -> Double { c <= 0.0031308 ? 12.92 * c : 1.055 * pow(max(c, 0), 1 / 2.4) - 0.055 }

    /// Linear RGB of « #rrggbb » (nil when not that form).
    public static func linearRGB(hex: String) -> (Double, Double, Double)? {
        var s = Substring(hex)
        if s.hasPrefix("#") { s = s.dropFirst() }
        guard s.count == 6, let v = UInt32(s, radix: 16) else { return nil }
        return (toLinear(Double((v >> 16) & 255) / 255), toLinear(Double((v >> 8) & 255) / 255), toLinear(Double(v & 255) / 255))
    }

    static func lab(linear v: (Double, Double, Double)) -> LabColor {
        let x = mul(toXYZ, v)
        func f(_ t: Double) -> Double { t > pow(6.0 / 29, 3) ? cbrt(t) : t / (3 * pow(6.0 / 29, 2)) + 4.0 / 29 }
        let fx = f(x.0 / white.0), fy = f(x.1 / white.1), fz = f(x.2 / white.2)
        return LabColor(l: 116 * fy - 16, a: 500 * (fx - fy), b: 200 * (fy - fz))
    }

    /// Linear RGB of a CIELAB colour, nil when outside the sRGB gamut.
    static func linear(lab c: LabColor) -> (Double, Double, Double)? {
        func finv(_ t: Double) -> Double { t > 6.0 / 29 ? t * t * t : 3 * pow(6.0 / 29, 2) * (t - 4.0 / 29) }
        let fy = (c.l + 16) / 116, fx = fy + c.a / 500, fz = fy - c.b / 200
        let v = mul(fromXYZ, (finv(fx) * white.0, finv(fy) * white.1, finv(fz) * white.2))
        let eps = 1e-9
        guard [v.0, v.1, v.2].allSatisfy({ $0 >= -eps && $0 <= 1 + eps }) else { return nil }
        return (min(max(v.0, 0), 1), min(max(v.1, 0), 1), min(max(v.2, 0), 1))
    }

    /// The CIELAB colour of « #rrggbb » as seen with `vision`.
    public static func lab(hex: String, vision: Vision = .normal) -> LabColor? {
        linearRGB(hex: hex).map { lab(linear: simulate($0, vision)) }
    }

    static func simulate(_ v: (Double, Double, Double), _ vision: Vision) -> (Double, Double, Double) {
        let m: [Double]
        switch vision {
        case .normal: return v
        case .deuteranopia: m = deuteranopia
        case .protanopia: m = protanopia
        }
        let s = mul(m, v)
        return (min(max(s.0, 0), 1), min(max(s.1, 0), 1), min(max(s.2, 0), 1))
    }

    /// « #rrggbb » of a linear RGB colour.
    static func hex(linear v: (Double, Double, Double)) -> String {
        func byte(_ c: Double) -> Int { Int((toGamma(c) * 255).rounded()).clamped(0, 255) }
        return String(format: "#%02x%02x%02x", byte(v.0), byte(v.1), byte(v.2))
    }

    /// The smallest ΔE76 between two colours over normal vision, deuteranopia and protanopia.
    public static func worstDeltaE(_ x: String, _ y: String) -> Double {
        Vision.allCases.map { v in
            guard let a = lab(hex: x, vision: v), let b = lab(hex: y, vision: v) else { return 0 }
            return a.deltaE76(b)
        }.min()!
    }
}

extension Int {
    func clamped(_ lo: Int, _ hi: Int) -> Int { Swift.min(Swift.max(self, lo), hi) }
}

/// Colours generated to stay apart: a greedy max-min selection over a
/// grid of CIELAB colours, where the distance of two colours is their
/// smallest ΔE76 in normal vision and under simulated deuteranopia and
/// protanopia (Machado 2009). Each pick is the candidate farthest from
/// every colour already chosen and from the reserved colours (hotspot
/// reds, the non-cadastral ground, white).
public struct DistinctColors: Sendable {
    /// One candidate: its hex and its CIELAB coordinates in each vision.
    struct Candidate: Sendable {
        var hex: String
        var views: [LabColor]
    }

    /// The ΔE76 every colour keeps from every other one (normal, deutan,
    /// protan) up to 30 managers (measured by the tests).
    public static let minimumDeltaE = 10.0

    /// What dots keep away from: the ground and white. Not the hotspot reds:
    /// under simulated protanopia those reds are as dark as any dot colour
    /// (#b10026 comes out at L* 25), which left only violets; red hues are
    /// excluded from the candidates all the same, and a hotspot is an
    /// outline, not a dot.
    public static let symbolReserved = ["#ece6d8", "#ffffff"]

    /// No colour comes closer than this to a reserved one (every vision).
    public static let reservedDeltaE = 12.0

    /// Reds reserved for hotspots and cleaning gaps (`Plans`), the
    /// non-cadastral ground, white outlines: no manager colour comes near.
    public static let reserved = ["#e31a1c", "#b10026", "#d7301f", "#ece6d8", "#ffffff"]

    /// A hue family (CIELAB hue angle range, degrees) a kind of manager keeps to.
    public struct Family: Sendable, Equatable {
        public var hues: ClosedRange<Double>
        public var minChroma: Double
        public init(hues: ClosedRange<Double>, minChroma: Double = 0) { self.hues = hues; self.minChroma = minChroma }
        func contains(_ c: LabColor) -> Bool {
            if hues.lowerBound == 0 && hues.upperBound >= 360 { return true }
            return c.chroma >= minChroma && hues.contains(c.hue)
        }
        public static let any = Family(hues: 0...360)
    }

    let candidates: [Candidate]

    /// Candidates with CIELAB lightness in `lightness`, reds and vivid
    /// oranges (hue 345°–55° with chroma > 30; the hue of #e31a1c is 40°)
    /// left out: they would read as hotspots.
    init(lightness: ClosedRange<Double>) {
        var out: [Candidate] = []
        var L = lightness.lowerBound
        while L <= lightness.upperBound + 1e-9 {
            for a in stride(from: -70.0, through: 70, by: 5) {
                for b in stride(from: -70.0, through: 90, by: 5) {
                    let c = LabColor(l: L, a: a, b: b)
                    let h = c.hue
                    if c.chroma > 30 && (h >= 345 || h <= 55) { continue }
                    guard let lin = ColorScience.linear(lab: c) else { continue }
                    let hex = ColorScience.hex(linear: lin)
                    guard let lr = ColorScience.linearRGB(hex: hex) else { continue }
                    out.append(Candidate(hex: hex, views: Vision.allCases.map { ColorScience.lab(linear: ColorScience.simulate(lr, $0)) }))
                }
            }
            L += 3
        }
        candidates = out
    }

    static func views(_ hex: String) -> [LabColor] {
        Vision.allCases.map { ColorScience.lab(hex: hex, vision: $0) ?? LabColor(l: 0, a: 0, b: 0) }
    }
    static func distance(_ x: [LabColor], _ y: [LabColor]) -> Double {
        min(x[0].deltaE76(y[0]), x[1].deltaE76(y[1]), x[2].deltaE76(y[2]))
    }

    /// Fills managers (light fills, dark text stays readable): lightness 50–92.
    static let fills = DistinctColors(lightness: 50...92)
    /// ColorBrewer Dark2 brought to L* 34 (chroma reduced until in gamut):
    /// the seeds of the incident colours, so categories differ in hue first
    /// (teal, violet, green, olive, grey); its orange and magenta fall in
    /// the reds and are skipped.
    static let darkSeeds = ["#035c43", "#873801", "#4b4988", "#9e015a", "#315a00", "#684b00", "#6c4900", "#505050"]

    /// Point symbols: lightness 20–38, so a dot is at least 10 units darker
    /// than any parcel fill and never a shade of the parcel palette.
    static let symbols = DistinctColors(lightness: 20...38)

    /// Picks one colour per requested family, in order: `seeds` first
    /// (kept when they are no red and stay `minimumDeltaE` apart), then the
    /// greedy max-min choice. A family whose hues no longer hold a colour
    /// `minimumDeltaE` away from the others takes the best colour of any hue.
    func pick(_ families: [Family], seeds: [String] = [], avoid: [String] = DistinctColors.reserved) -> [String] {
        // The reserved colours exclude what comes within `reservedDeltaE` of
        // them; they do not otherwise pull the choice (as a soft distance they
        // made every pick the darkest violet, the farthest from white).
        let avoidViews = avoid.map(Self.views)
        func nearReserved(_ v: [LabColor]) -> Bool { avoidViews.contains { Self.distance($0, v) < Self.reservedDeltaE } }
        var dmin = candidates.map { nearReserved($0.views) ? -Double.infinity : Double.infinity }
        func take(_ v: [LabColor]) {
            for i in candidates.indices { dmin[i] = min(dmin[i], Self.distance(candidates[i].views, v)) }
        }
        var chosenViews: [[LabColor]] = []
        var out: [String] = []
        var seedIter = seeds.makeIterator()
        var pendingFamilies = families[...]
        // Seeds serve the families that accept them, in order.
        while let fam = pendingFamilies.first, let s = seedIter.next() {
            let v = Self.views(s)
            let isRed = v[0].chroma > 30 && (v[0].hue >= 345 || v[0].hue <= 55)
            guard !isRed, !nearReserved(v), fam.contains(v[0]),
                  chosenViews.allSatisfy({ Self.distance($0, v) >= Self.minimumDeltaE + 2 }) else { continue }
            out.append(s); chosenViews.append(v); take(v)
            pendingFamilies = pendingFamilies.dropFirst()
        }
        for fam in pendingFamilies {
            var best = -1
            for i in candidates.indices where fam.contains(candidates[i].views[0]) {
                if best < 0 || dmin[i] > dmin[best] { best = i }
            }
            if best < 0 || dmin[best] < Self.minimumDeltaE {
                for i in candidates.indices where best < 0 || dmin[i] > dmin[best] { best = i }
            }
            out.append(candidates[best].hex)
            chosenViews.append(candidates[best].views)
            take(candidates[best].views)
        }
        return out
    }
}
