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
        grille dont la maille fait 1 mm sur le papier (ou --maille mètres si c'est moins), \
        limitée au quartier élargi du rayon ; classes par quantiles des mailles du plan. Les \
        parcelles sont alors dessinées en contours gris, jamais dans les couleurs des \
        gestionnaires.

        Les couleurs des gestionnaires ne se répètent jamais : écart ΔE76 d'au moins 10 entre \
        deux couleurs en vision normale, en deutéranopie et en protanopie (jusqu'à 30 \
        gestionnaires), aucun rouge (réservé aux points chauds). Une colonne type dans la table \
        des gestionnaires (public, bailleur, copropriété) regroupe les gestionnaires par \
        familles de teintes. Les signalements ont une forme et une couleur sombre par catégorie.

        Avec --echelle, le quartier doit tenir dans le cadre : sinon une erreur donne la taille \
        de cadre nécessaire et l'échelle standard qui convient ; avec --planches, le plan est \
        découpé en planches à cette échelle (FICHIER_planche_1.svg…, chevauchement de 5 %), et \
        FICHIER est le tableau d'assemblage (le quartier et les planches numérotées).

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

    @Option(help: "Maille maximale de la densité, en mètres (par défaut et au plus : 1 mm sur le papier à l'échelle du plan).")
    var maille: Double?

    @Option(help: "Rayon du noyau de la densité, en mètres.")
    var rayon: Double = 100

    @Flag(help: "Avec --echelle, si le quartier ne tient pas dans le cadre : plusieurs planches (FICHIER_planche_N.svg) et un tableau d'assemblage (FICHIER), au lieu d'une erreur.")
    var planches = false

    @OptionGroup var page: PlanPageOptions

    func run() throws {
        try page.drawAndWrite { options, reporter in
            if domanialite != nil && parcelles != nil {
                throw GUPError("--domanialite et --parcelles désignent la même couche : n'en donnez qu'une")
            }
            if chaleur && incidents == nil { throw GUPError("--chaleur exige --incidents") }
            if let maille { _ = try NumberDomain.check(maille, "--maille", in: NumberDomain.metres, unit: "m") }
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
                // The classes come from this plan's own surface (a dossier shares them across its quartiers).
                layers.heat = HeatInput(points: i.points, radius: rayon, maxCellSize: maille)
            }
            if planches {
                guard let scale = options.scale else { throw GUPError("--planches exige --echelle (l'échelle des planches)") }
                let sel = try Plans.select(wp, name: quartier)
                guard let qb = try sel.shape.bounds() else { throw GUPError.input(file: perimetres, "périmètre vide") }
                let sheets = Sheets.split(qb, scale: scale, page: options.page)
                if sheets.count > 1 {
                    for sh in sheets {
                        var o = options
                        o.sheet = sh
                        let plan = try Plans.site(perimeters: wp, quartier: .name(quartier), layers: layers, commune: page.commune,
                                                  options: o, reporter: reporter)
                        try page.write(plan, to: page.sheetPath(sh.number))
                        print("Planche \(sh.number)/\(sh.count) écrite : \(page.sheetPath(sh.number))")
                    }
                    return try Sheets.assemblyIndex(sheets, perimeter: sel, crs: wp.crs, sheetScale: scale, title: "Plan de masse",
                                                    commune: page.commune, options: options)
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
        avec les mêmes couleurs de gestionnaires, avec une légende commune : côte à côte en \
        paysage, l'un au-dessus de l'autre en portrait. Les parcelles modifiées (gestionnaire \
        changé, parcelle créée ou supprimée) sont cernées de noir sur les deux états, et le \
        tableau des surfaces transférées d'un gestionnaire à l'autre (m², dans le quartier) est \
        imprimé sur le plan et écrit à côté du plan dans FICHIER_transferts.csv.

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

    @OptionGroup var csv: CSVOption

    /// `plans/avant_apres.svg` → `plans/avant_apres_transferts.csv`.
    static func transfersPath(_ plan: String) -> String {
        let u = URL(fileURLWithPath: plan)
        return u.deletingPathExtension().path + "_transferts.csv"
    }

    func run() throws {
        try page.drawAndWrite { options, reporter in
            let p = try page.crs.read(perimetres)
            let working = try page.crs.workingCRS(for: [p], reporter: reporter)
            let wp = try page.crs.prepare(p, to: working, expecting: .areal, reporter: reporter)
            let a = try page.crs.load(avant, working: working, expecting: .areal, reporter: reporter)
            let b = try page.crs.load(apres, working: working, expecting: .areal, reporter: reporter)
            let r = try page.crs.load(residences, working: working, expecting: .areal, reporter: reporter)
            let plan = try Plans.beforeAfter(perimeters: wp, quartier: .name(quartier), before: a, after: b, residences: r, commune: page.commune,
                                             options: options, reporter: reporter)
            // The transfers table beside the plan, written like every CSV of gup.
            let csvPath = PlanAvantApres.transfersPath(page.sortie)
            try OutputFolder.writeFile(Data(TenureChange.csv(plan.transfers, writer: try csv.writer()).utf8), to: csvPath)
            reporter.info("Tableau des transferts écrit : \(csvPath)")
            return plan
        }
    }
}
