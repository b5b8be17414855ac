import Foundation
import GUPAnalysis
import GUPModel

/// `rapport.json`: every figure of the HTML, machine-readable, and the
/// inputs' counts (read, used, repaired, skipped), so nothing is lost silently.
enum DossierReport {
    /// `written`: every file of the run before this one, with its size and
    /// SHA-256 (« empreintes »; the manifest `.gup-manifeste.json` lists them too).
    static func json(project: ProjectFile, inputs: AnalysisInputs, quartiers: [QuartierFigures], date: String, files: [String],
                     veille: [String: Any] = [:], written: [OutputFolder.Entry] = []) throws -> String {
        func r2(_ d: Double) -> Double { (d * 100).rounded() / 100 }
        func opt(_ d: Double?) -> Any { d.map { r2($0) } ?? NSNull() }
        let layers: [[String: Any]] = inputs.summaries.map { s in
            [
                "couche": s.layer, "fichier": s.source, "crs_source": s.sourceCRS,
                "lues": s.read, "utilisees": s.used, "reparees": s.repaired,
                "ignorees": s.skipped.map { ["entite": $0.feature, "raison": $0.reason] },
            ]
        }
        let joins: [String: Any] = Dictionary(uniqueKeysWithValues: inputs.joins.map { role, j in
            (role.rawValue, ["sans_correspondance": j.unmatchedCount, "premiers": j.unmatchedFirst, "sans_cle": j.missingKeyCount] as [String: Any])
        })
        let qs: [[String: Any]] = quartiers.map { q in
            [
                "nom": q.name, "dossier": q.folder, "surface_m2": r2(q.area), "surface_ha": r2(q.area / 10_000),
                "logements": opt(q.dwellings),
                "bailleurs": q.landlords.map { ["nom": $0.name, "residences": $0.residences, "logements": r2($0.dwellings)] },
                "signalements": [
                    "total": q.incidentsTotal as Any? ?? NSNull(), "par_ha": opt(q.incidentsPerHectare),
                    "periode_1": q.period1 as Any? ?? NSNull(), "periode_2": q.period2 as Any? ?? NSNull(),
                    "par_categorie": q.categories.map {
                        ["categorie": $0.category, "total": $0.total,
                         "periode_1": $0.period1 as Any? ?? NSNull(), "periode_2": $0.period2 as Any? ?? NSNull()] as [String: Any]
                    },
                ] as [String: Any],
                "domanialite": q.tenure.map { ["gestionnaire": $0.manager, "surface_m2": r2($0.area), "part_pct": r2($0.share)] },
                "chevauchements_m2": opt(q.overlapArea),
                "non_cadastre_pct": opt(q.nonCadastralShare),
                "nettoyage": q.coverage.map { c in
                    ["surface_exterieure_m2": r2(c.outdoorArea), "couverte_m2": r2(c.coveredArea), "taux_couverture_pct": r2(c.rate),
                     "lacunes_m2": r2(c.gapArea), "nb_lacunes": c.gapCount, "doublons_m2": r2(c.doubleArea),
                     "frequence_moyenne": opt(c.meanFrequency)] as [String: Any]
                } as Any? ?? NSNull(),
                "points_chauds": q.hotspots.map {
                    ["rang": $0.rank, "incidents": $0.incidents, "surface_m2": r2($0.area), "gi_z_max": r2($0.maxZ),
                     "categories": $0.mainCategories, "lon": ($0.lonLat.x * 1e6).rounded() / 1e6, "lat": ($0.lonLat.y * 1e6).rounded() / 1e6] as [String: Any]
                },
                "parcours": [
                    "longueur_m": opt(q.routeLength), "ordre_optimal": q.routeExact as Any? ?? NSNull(),
                    "par_les_rues": q.routeAlongStreets, "retour_m": opt(q.routeReturnLeg?.rounded()),
                    "arrets": q.stops.map { s in
                        ["numero": s.number, "point_chaud": s.hotspotRank,
                         "lon": (s.lonLat.x * 1e6).rounded() / 1e6, "lat": (s.lonLat.y * 1e6).rounded() / 1e6,
                         "distance_m": s.leg.rounded(), "cumul_m": s.cumulative.rounded(),
                         "ecart_point_chaud_m": s.offsetFromHotspot.rounded(),
                         "incidents": s.incidentsByCategory.map { ["categorie": $0.category, "incidents": $0.incidents] },
                         "gestionnaires": s.managers.map { ["gestionnaire": $0.manager, "part_pct": r2($0.share)] },
                         "secteurs": s.sectors.map { ["secteur": $0.sector, "intervenant": $0.cleaner] }] as [String: Any]
                    },
                ] as [String: Any],
                "plans": q.plans.map {
                    ["fichier": $0.file, "titre": $0.title, "echelle": $0.scale,
                     "etiquettes": q.labelCounts[$0.file]?.json ?? [:]] as [String: Any]
                },
                "fichiers": q.files,
                "veille": q.veille.map { v in
                    ["niveaux": v.situations.map(DossierVeille.situation), "changements": v.changes.map(DossierVeille.change),
                     "graphique": v.chart] as [String: Any]
                } as Any? ?? NSNull(),
            ]
        }
        let root: [String: Any] = [
            "titre": project.title, "commune": project.commune as Any? ?? NSNull(), "date": date,
            "systeme_de_travail": inputs.working.identifier, "fichier_projet": project.path,
            "seuils": ["chevauchement_m2": project.overlapThreshold, "lacune_m2": project.gapThreshold,
                       "cellule_m": project.cellSize, "rayon_m": project.kernelRadius],
            "couches": layers, "jointures": joins, "quartiers": qs, "fichiers": files, "veille": veille,
            "empreintes": written.map { ["fichier": $0.path, "octets": $0.size, "sha256": $0.sha256] as [String: Any] },
        ]
        return try JSONText.render(root) + "\n"
    }
}
