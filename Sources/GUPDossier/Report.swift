import Foundation
import GUPAnalysis
import GUPModel

/// `rapport.json`: every figure of the HTML, machine-readable, and the
/// inputs' counts (read, used, repaired, skipped), so nothing is lost silently.
enum DossierReport {
    /// `written`: every file of the run before this one, with its size and
    /// SHA-256 (« empreintes »; the manifest `.gup-manifeste.json` lists them too).
    static func json(project: ProjectFile, inputs: AnalysisInputs, quartiers: [QuartierFigures], date: String, files: [String],
                     veille: JSONValue = [:], written: [OutputFolder.Entry] = []) throws -> String {
        func r2(_ d: Double) -> JSONValue { .double((d * 100).rounded() / 100) }
        func opt(_ d: Double?) -> JSONValue { d.map { r2($0) } ?? .null }
        func degrees(_ d: Double) -> JSONValue { .double((d * 1e6).rounded() / 1e6) }
        let layers: [JSONValue] = inputs.summaries.map { s in
            [
                "couche": .init(s.layer), "fichier": .init(s.source), "crs_source": .init(s.sourceCRS),
                "lues": .init(s.read), "utilisees": .init(s.used), "reparees": .init(s.repaired),
                "ignorees": .array(s.skipped.map { ["entite": .init($0.feature), "raison": .init($0.reason)] }),
            ]
        }
        let joins = JSONValue.object(Dictionary(uniqueKeysWithValues: inputs.joins.map { role, j in
            (role.rawValue, ["sans_correspondance": .init(j.unmatchedCount), "premiers": .init(j.unmatchedFirst),
                             "sans_cle": .init(j.missingKeyCount)] as JSONValue)
        }))
        let qs: [JSONValue] = quartiers.map { q in
            [
                "nom": .init(q.name), "dossier": .init(q.folder), "surface_m2": r2(q.area), "surface_ha": r2(q.area / 10_000),
                "logements": opt(q.dwellings),
                "bailleurs": .array(q.landlords.map { ["nom": .init($0.name), "residences": .init($0.residences), "logements": r2($0.dwellings)] }),
                "signalements": [
                    "total": .init(q.incidentsTotal), "par_ha": opt(q.incidentsPerHectare),
                    "periode_1": .init(q.period1), "periode_2": .init(q.period2),
                    "par_categorie": .array(q.categories.map {
                        ["categorie": .init($0.category), "total": .init($0.total),
                         "periode_1": .init($0.period1), "periode_2": .init($0.period2)]
                    }),
                ],
                "domanialite": .array(q.tenure.map { ["gestionnaire": .init($0.manager), "surface_m2": r2($0.area), "part_pct": r2($0.share)] }),
                "chevauchements_m2": opt(q.overlapArea),
                "non_cadastre_pct": opt(q.nonCadastralShare),
                "nettoyage": q.coverage.map { c -> JSONValue in
                    ["surface_exterieure_m2": r2(c.outdoorArea), "couverte_m2": r2(c.coveredArea), "taux_couverture_pct": r2(c.rate),
                     "lacunes_m2": r2(c.gapArea), "nb_lacunes": .init(c.gapCount), "doublons_m2": r2(c.doubleArea),
                     "frequence_moyenne": opt(c.meanFrequency)]
                } ?? .null,
                "points_chauds": .array(q.hotspots.map {
                    ["rang": .init($0.rank), "incidents": .init($0.incidents), "surface_m2": r2($0.area), "gi_z_max": r2($0.maxZ),
                     "categories": .init($0.mainCategories), "lon": degrees($0.lonLat.x), "lat": degrees($0.lonLat.y)]
                }),
                "parcours": [
                    "longueur_m": opt(q.routeLength), "ordre_optimal": .init(q.routeExact),
                    "par_les_rues": .init(q.routeAlongStreets), "retour_m": opt(q.routeReturnLeg?.rounded()),
                    "arrets": .array(q.stops.map { s in
                        ["numero": .init(s.number), "point_chaud": .init(s.hotspotRank),
                         "lon": degrees(s.lonLat.x), "lat": degrees(s.lonLat.y),
                         "distance_m": .init(s.leg.rounded()), "cumul_m": .init(s.cumulative.rounded()),
                         "ecart_point_chaud_m": .init(s.offsetFromHotspot.rounded()),
                         "incidents": .array(s.incidentsByCategory.map { ["categorie": .init($0.category), "incidents": .init($0.incidents)] }),
                         "gestionnaires": .array(s.managers.map { ["gestionnaire": .init($0.manager), "part_pct": r2($0.share)] }),
                         "secteurs": .array(s.sectors.map { ["secteur": .init($0.sector), "intervenant": .init($0.cleaner)] })]
                    }),
                ],
                "plans": .array(q.plans.map {
                    ["fichier": .init($0.file), "titre": .init($0.title), "echelle": .init($0.scale),
                     "etiquettes": .init(q.labelCounts[$0.file]?.json ?? [:])]
                }),
                "fichiers": .init(q.files),
                "veille": q.veille.map { v -> JSONValue in
                    ["niveaux": .array(v.situations.map(DossierVeille.situation)), "changements": .array(v.changes.map(DossierVeille.change)),
                     "graphique": .init(v.chart)]
                } ?? .null,
            ]
        }
        let root: JSONValue = [
            "titre": .init(project.title), "commune": .init(project.commune), "date": .init(date),
            "systeme_de_travail": .init(inputs.working.identifier), "fichier_projet": .init(project.path),
            "seuils": ["chevauchement_m2": .init(project.overlapThreshold), "lacune_m2": .init(project.gapThreshold),
                       "cellule_m": .init(project.cellSize), "rayon_m": .init(project.kernelRadius)],
            "couches": .array(layers), "jointures": joins, "quartiers": .array(qs), "fichiers": .init(files), "veille": veille,
            "empreintes": .array(written.map { ["fichier": .init($0.path), "octets": .init($0.size), "sha256": .init($0.sha256)] }),
        ]
        return try JSONText.render(root) + "\n"
    }
}
