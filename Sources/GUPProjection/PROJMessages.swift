import CPROJ
import Foundation
import GUPModel

/// The one place PROJ's errors become French. PROJ writes its own English
/// log lines (« proj_create: crs not found ») to stderr and names errors in
/// English (« Unknown error (code 4096) »): every context is created here
/// with logging off, and its error codes are mapped to French words.
enum PROJMessages {
    /// A PROJ context that logs nothing (owned by the caller, who destroys it).
    static func context() -> OpaquePointer? {
        guard let c = proj_context_create() else { return nil }
        proj_log_level(c, PJ_LOG_NONE)
        return c
    }

    /// The French meaning of a PROJ error code (proj.h, PROJ 9.1).
    static func french(_ code: Int32) -> String {
        switch code {
        case 0: return "système de coordonnées inconnu ou définition invalide"
        case 1025: return "définition de système ou d'opération mal formée"
        case 1026: return "paramètre d'opération manquant"
        case 1027: return "paramètre d'opération de valeur impossible"
        case 1028: return "paramètres d'opération incompatibles"
        case 1029: return "grille de transformation introuvable ou invalide (paquet proj-data ?)"
        case 1024...2047: return "opération de transformation impossible à construire"
        case 2049: return "coordonnées impossibles (latitude au-delà de 90°, par exemple)"
        case 2050: return "coordonnées hors du domaine de la projection"
        case 2051: return "aucune opération de transformation disponible entre ces systèmes"
        case 2052: return "point hors de la grille de transformation"
        case 2053: return "point dans une maille sans donnée de la grille de transformation"
        case 2048...4095: return "transformation des coordonnées impossible"
        case 4097: return "appel de PROJ incorrect"
        case 4098: return "pas d'opération inverse disponible"
        case 4099: return "accès réseau de PROJ impossible"
        default: return "système de coordonnées inconnu de PROJ ou transformation impossible (code PROJ \(code))"
        }
    }

    /// The French message of a context's last error.
    static func message(_ c: OpaquePointer) -> String { french(proj_context_errno(c)) }
}
