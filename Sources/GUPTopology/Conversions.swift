import GUPModel

extension Geometry {
    /// The GEOS geometry of this value.
    public func handle() throws -> GeometryHandle { try GeometryHandle(self) }
}
