// The GUPKit library: one import for every layer.
@_exported import GUPModel
@_exported import GUPTopology
@_exported import GUPProjection
@_exported import GUPAnalysis
@_exported import GUPCartography
@_exported import GUPDossier
@_exported import GUPFormats
