import ArgumentParser
import Foundation
import GUPKit

struct PlanMasse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan-masse",
        abstract: "Dessine le plan de masse d'un quartier (SVG à l'échelle) : qui tient quel sol, résidences, signalements.",
        discussion: """
        Le sol est coloré par gestionnaire (domanialité ; palette ColorBrewer, le même \
        gestionnaire garde la même couleur sur tous les plans faits du même fichier), les \
        résidences portent leur nom et leur nombre de logements (placés au pôle \
        d'inaccessibilité, jamais superposés : une étiquette sans place est écartée et \
        comptée). En option : secteurs de nettoyage par intervenant, lacunes de nettoyage \
        hachurées, signalements en petits symboles par catégorie ou en densité (--chaleur), \
        points chauds cernés. Le fond de plan (--routes, --voies-ferrees, --eau, --bati, \
        --lieux) ajoute les rues et leurs noms ; le sol non cadastré (voirie, domaine public) a \
        sa couleur et sa ligne de légende ; tout ce qui est hors du quartier est voilé ; au \
        1/1 000 et plus grand, les parcelles portent leur référence (section et numéro). \
        Échelle typique 1/1 000 à 1/5 000.

        --chaleur dessine la densité des signalements par noyau quartique de rayon --rayon \
        mètres (comme la « carte de chaleur » de QGIS), en signalements par hectare, sur une \
        grille de --maille mètres.

        Exemples :
          gup plan-masse --perimetres Data/demo/perimetres.geojson --quartier "Les Pins" \\
              --domanialite Data/demo/parcelles.geojson --residences Data/demo/residences.geojson \\
              --routes Data/demo/routes.geojson --bati Data/demo/bati.geojson --eau Data/demo/eau.geojson \\
              --lieux Data/demo/lieux.geojson --sortie plans/masse.svg
          gup plan-masse --perimetres Data/demo/perimetres.geojson --quartier "Les Hermes" \\
              --parcelles Data/demo/parcelles.geojson --incidents Data/demo/incidents.geojson \\
              --chaleur --format A3 --echelle 2000 --sortie plans/chaleur.svg
        """
    )

    @Option(help: "Périmètres des quartiers.")
    var perimetres: String

    @Option(help: "Nom du quartier (par défaut : le premier du fichier).")
    var quartier: String?

    @Option(help: "Parcelles avec leur gestionnaire (champ gestionnaire ou proprietaire).")
    var domanialite: String?

    @Option(help: "Synonyme de --domanialite.")
    var parcelles: String?

    @Option(help: "Résidences (champs nom et logements).")
    var residences: String?

    @Option(help: "Secteurs de nettoyage (champ intervenant).")
    var secteurs: String?

    @Option(help: "Lacunes de nettoyage, hachurées.")
    var lacunes: String?

    @Option(help: "Signalements (points, champ categorie).")
    var incidents: String?

    @Option(name: .customLong("points-chauds"), help: "Points chauds (polygones), cernés.")
    var pointsChauds: String?

    @Flag(help: "Dessine la densité des signalements au lieu des symboles (exige --incidents).")
    var chaleur = false

    @OptionGroup(title: "Fond de plan") var fond: FondOptions

    @Option(help: "Maille de la densité, en mètres.")
    var maille: Double = 10

    @Option(help: "Rayon du noyau de la densité, en mètres.")
    var rayon: Double = 100

    @OptionGroup var page: PlanPageOptions

    func run() throws {
        try page.drawAndWrite { options, reporter in
            if domanialite != nil && parcelles != nil {
                throw GUPError("--domanialite et --parcelles désignent la même couche : n'en donnez qu'une")
            }
            if chaleur && incidents == nil { throw GUPError("--chaleur exige --incidents") }
            _ = try NumberDomain.check(maille, "--maille", in: NumberDomain.metres, unit: "m")
            _ = try NumberDomain.check(rayon, "--rayon", in: NumberDomain.metres, unit: "m")
            let p = try page.crs.read(perimetres)
            let working = try page.crs.workingCRS(for: [p], reporter: reporter)
            func load(_ path: String?, _ e: GeometryExpectation) throws -> WorkingLayer? {
                try page.crs.load(path, working: working, expecting: e, reporter: reporter)
            }
            let wp = try page.crs.prepare(p, to: working, expecting: .areal, reporter: reporter)
            var layers = Plans.SiteLayers(tenure: try load(domanialite ?? parcelles, .areal),
                                          residences: try load(residences, .areal),
                                          sectors: try load(secteurs, .areal),
                                          gaps: try load(lacunes, .areal),
                                          incidents: try load(incidents, .point),
                                          hotspots: try load(pointsChauds, .areal),
                                          background: try fond.load(page.crs, working: working, reporter: reporter))
            if chaleur, let i = layers.incidents {
                let sel = try Plans.select(wp, name: quartier)
                if let b = try sel.shape.bounds() {
                    let pad = max(b.width, b.height)
                    let ext = BoundingBox(minX: b.minX - pad, minY: b.minY - pad, maxX: b.maxX + pad, maxY: b.maxY + pad)
                    layers.heat = try KernelDensity.quartic(points: i.points, radius: rayon, cellSize: maille, extent: ext)
                }
            }
            return try Plans.site(perimeters: wp, quartier: .name(quartier), layers: layers, commune: page.commune, options: options, reporter: reporter)
        }
    }
}

struct PlanAvantApres: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan-avant-apres",
        abstract: "Dessine côte à côte deux états de la domanialité (avant / après travaux) à la même échelle.",
        discussion: """
        Pour une résidentialisation ou un transfert de gestion : les deux états de la couche \
        des parcelles et gestionnaires sont dessinés sur une même page, à la même échelle et \
        avec les mêmes couleurs de gestionnaires, avec une légende commune.

        Exemple :
          gup plan-avant-apres --perimetres Data/demo/perimetres.geojson --quartier "Les Pins" \\
              --avant parcelles_2024.geojson --apres parcelles_2026.geojson \\
              --residences Data/demo/residences.geojson --sortie plans/avant_apres.svg
        """
    )

    @Option(help: "Périmètres des quartiers.")
    var perimetres: String

    @Option(help: "Nom du quartier (par défaut : le premier du fichier).")
    var quartier: String?

    @Option(help: "Domanialité avant travaux (champ gestionnaire).")
    var avant: String

    @Option(help: "Domanialité après travaux (champ gestionnaire).")
    var apres: String

    @Option(help: "Résidences, dessinées sur les deux plans.")
    var residences: String?

    @OptionGroup var page: PlanPageOptions

    func run() throws {
        try page.drawAndWrite { options, reporter in
            let p = try page.crs.read(perimetres)
            let working = try page.crs.workingCRS(for: [p], reporter: reporter)
            let wp = try page.crs.prepare(p, to: working, expecting: .areal, reporter: reporter)
            let a = try page.crs.load(avant, working: working, expecting: .areal, reporter: reporter)
            let b = try page.crs.load(apres, working: working, expecting: .areal, reporter: reporter)
            let r = try page.crs.load(residences, working: working, expecting: .areal, reporter: reporter)
            return try Plans.beforeAfter(perimeters: wp, quartier: .name(quartier), before: a, after: b, residences: r, commune: page.commune,
                                         options: options, reporter: reporter)
        }
    }
}
