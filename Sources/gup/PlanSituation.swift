import ArgumentParser
import Foundation
import GUPKit

/// Options shared by the plan commands: page, scale, CRS, date, sources, output.
struct PlanPageOptions: ParsableArguments {
    @Option(help: "Format du papier : A4 ou A3.", transform: { raw in
        guard let f = PaperFormat(rawValue: raw.uppercased()) else { throw GUPError("--format : « \(raw) » non reconnu (A4 ou A3)") }
        return f
    })
    var format: PaperFormat = .a4

    @Option(help: "Orientation : paysage ou portrait.", transform: { raw in
        guard let o = Orientation(rawValue: raw.lowercased()) else {
            throw GUPError("--orientation : « \(raw) » non reconnue (paysage ou portrait)")
        }
        return o
    })
    var orientation: Orientation = .paysage

    @Option(help: "Dénominateur d'échelle N (plan au 1/N). Par défaut la plus petite échelle standard où le sujet tient dans le cadre.")
    var echelle: Int?

    @OptionGroup var crs: CRSOptions

    @Option(help: "Date imprimée dans le cartouche, JJ/MM/AAAA ou AAAA-MM-JJ (par défaut : aujourd'hui) ; toujours imprimée JJ/MM/AAAA.",
            transform: { try printedDate($0, option: "--date") })
    var date: String?

    @Option(name: .customLong("source"), help: "Producteur des données à citer dans le cartouche (« IGN BD TOPO », répétable) ; les noms de fichiers ne sont jamais cités.")
    var sources: [String] = []

    @Option(name: .customLong("maitre-ouvrage"), help: "Maître d'ouvrage écrit dans le cartouche.")
    var maitreOuvrage: String?

    @Option(help: "Auteur du plan écrit dans le cartouche.")
    var auteur: String?

    @Option(name: .customLong("numero-plan"), help: "Numéro du plan écrit dans le cartouche.")
    var numeroPlan: String?

    @Option(help: "Indice de révision du plan (A, B…) écrit dans le cartouche.")
    var indice: String?

    @Option(name: .customLong("date-donnees"), help: "Date des données écrite dans le cartouche (« 01/01/2026 », « janvier 2026 »).")
    var dateDonnees: String?

    @Option(help: "Nom de la commune à écrire dans le cartouche (plan de masse, avant / après).")
    var commune: String?

    @Option(help: "Fichier à écrire (de façon atomique) : .svg, ou .pdf pour une page PDF vectorielle du format du plan (polices incluses).")
    var sortie: String

    func planOptions() throws -> PlanOptions {
        let f = format, o = orientation
        if let e = echelle { _ = try NumberDomain.check(e, "--echelle", in: NumberDomain.scaleDenominators, unit: "(plan au 1/N)") }
        guard sortie.lowercased().hasSuffix(".svg") || sortie.lowercased().hasSuffix(".pdf") else {
            throw GUPError("--sortie : le plan s'écrit dans un fichier .svg ou .pdf (reçu « \(sortie) »)")
        }
        func field(_ v: String?, _ name: String) throws -> String? {
            guard let v else { return nil }
            let t = v.trimmingCharacters(in: .whitespaces)
            guard !t.isEmpty else { throw GUPError("--\(name) : une valeur non vide est attendue") }
            return t
        }
        let block = TitleBlockFields(client: try field(maitreOuvrage, "maitre-ouvrage"), author: try field(auteur, "auteur"),
                                     number: try field(numeroPlan, "numero-plan"), revision: try field(indice, "indice"),
                                     dataDate: try field(dateDonnees, "date-donnees"))
        return PlanOptions(page: Page(format: f, orientation: o), scale: echelle, date: date ?? Cartouche.today(), sources: sources,
                           titleBlock: block)
    }

    /// The body of a plan command: checks the page options, draws the plan
    /// (`draw` reads the layers through `crs`), writes the SVG atomically to
    /// --sortie and prints its summary; library errors exit 1 in French.
    func drawAndWrite(_ draw: (PlanOptions, Reporter) throws -> RenderedPlan) throws {
        try runReportingErrors {
            let reporter = TerminalReporter(verbose: false)
            let plan = try draw(try planOptions(), reporter)
            try write(plan, to: sortie)
            report(plan)
        }
    }

    /// Writes a plan atomically as SVG, or as one PDF page when `path` ends in .pdf.
    func write(_ plan: RenderedPlan, to path: String) throws {
        if path.lowercased().hasSuffix(".pdf") {
            try OutputFolder.writeFile(to: path) { try DossierDocuments.renderPlanPDF(svg: Data(plan.svg.utf8), source: path, to: $0) }
        } else {
            try PlanRenderer.write(plan, to: path)
        }
    }

    /// `plans/masse.svg` → `plans/masse_planche_2.svg`.
    func sheetPath(_ k: Int) -> String {
        let u = URL(fileURLWithPath: sortie)
        return u.deletingPathExtension().path + "_planche_\(k)." + u.pathExtension
    }

    func report(_ plan: RenderedPlan) {
        let bytes = (try? FileManager.default.attributesOfItem(atPath: sortie)[.size] as? Int) ?? plan.svg.utf8.count
        let size = ByteCountFormatter.string(fromByteCount: Int64(bytes), countStyle: .file)
        print("Plan écrit : \(sortie) (\(size)), échelle 1/\(SVG.frenchInteger(plan.scale)), \(plan.legend.count) entrée(s) de légende")
        print("Étiquettes : \(plan.labelCounts.summary)")
    }
}

/// The orientation layers of the plans (`[fond]` in `dossier.toml`).
struct FondOptions: ParsableArguments {
    @Option(help: "Routes et rues (lignes ; BD TOPO : nom_voie_g ou nom_collaboratif_gauche, importance ; OpenStreetMap : name, highway).")
    var routes: String?

    @Option(name: .customLong("voies-ferrees"), help: "Voies ferrées (lignes).")
    var voiesFerrees: String?

    @Option(help: "Eau : surfaces (plans d'eau, mer) et cours d'eau (lignes).")
    var eau: String?

    @Option(help: "Bâtiments (polygones).")
    var bati: String?

    @Option(help: "Lieux nommés, équipements, espaces verts (points ou polygones ; champ toponyme, nom ou name).")
    var lieux: String?

    @Option(name: .customLong("champ-nom-voie"), help: "Champ du nom des voies (par défaut nom_voie_g, nom_collaboratif_gauche, name…).")
    var champNomVoie: String?

    @Option(name: .customLong("champ-classe-voie"), help: "Champ de la classe des voies (par défaut importance, highway, nature).")
    var champClasseVoie: String?

    @Option(name: .customLong("champ-nom-lieu"), help: "Champ du nom des lieux (par défaut toponyme, nom, name).")
    var champNomLieu: String?

    var isEmpty: Bool { [routes, voiesFerrees, eau, bati, lieux].allSatisfy { $0 == nil } }

    /// Reads the layers given (any format the project reads), in the working CRS, indexed.
    func load(_ crs: CRSOptions, working: CRS, reporter: Reporter) throws -> OrientationLayers {
        func one(_ path: String?, _ role: LayerRole) throws -> WorkingLayer? {
            try crs.load(path, working: working, expecting: role.expectation, reporter: reporter)?.indexed()
        }
        var o = OrientationLayers(roads: try one(routes, .routes), railways: try one(voiesFerrees, .voiesFerrees),
                                  water: try one(eau, .eau), buildings: try one(bati, .bati), places: try one(lieux, .lieux))
        var fields: [FieldRole: String] = [:]
        fields[.roadName] = champNomVoie; fields[.roadClass] = champClasseVoie; fields[.placeName] = champNomLieu
        do { try o.resolveFields(explicit: fields) } catch let e as AnalysisError {
            throw GUPError(e.message(CommandLineWording()))
        }
        return o
    }
}

struct PlanSituation: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan-situation",
        abstract: "Dessine le plan de situation d'un quartier (SVG à l'échelle) : le quartier dans sa commune.",
        discussion: """
        Le quartier est mis en évidence dans sa commune (celle que nomme le périmètre, champ \
        nom_commune ou commune_qp, et toutes celles qu'il touche, trouvées par localisation) \
        teintée, le reste voilé, avec les communes voisines et leurs noms ; les autres quartiers \
        du fichier des périmètres sont cernés. Le fond de plan situe le quartier : routes par \
        classe (importance BD TOPO, highway OpenStreetMap) avec le nom des rues le long des \
        voies, voies ferrées, eau, bâti, lieux nommés. Il en faut au moins une couche \
        (--routes de préférence) ; --sans-fond accepte un plan des seules communes, avec un \
        avertissement. Toute la commune est montrée quand elle tient au 1/25 000 au plus, \
        sinon 3 km autour du quartier ; un carton de localisation montre le cadre dans sa \
        commune et ses voisines : il lui faut les communes (--contexte), sans elles le plan \
        n'a pas de carton et le dit. Une route sans nom porte son numéro (A50, D988) ; au-delà \
        des routes d'un extrait, le sol est hachuré « Hors emprise du fond de plan ». \
        Le plan est exact à l'impression : \
        1 m sur le terrain = 1000/N mm sur le papier, dans le système de travail. Il porte une \
        échelle graphique, la flèche du nord (corrigée de la convergence des méridiens), une \
        légende et un cartouche (titre, quartier, commune, date, échelle, système, sources).

        Exemples :
          gup plan-situation --perimetres Data/demo/perimetres.geojson --quartier "Les Pins" \\
              --contexte Data/demo/communes.geojson --routes Data/demo/routes.geojson \\
              --voies-ferrees Data/demo/voies_ferrees.geojson --sortie plans/situation.svg
          gup plan-situation --perimetres qpv-occitanie.geojson --quartier "Quatre Saisons" \\
              --contexte Data/communes-12-rodez.geojson --routes bdtopo/ROUTE.shp \\
              --voies-ferrees bdtopo/TRONCON_VOIE_FERREE.shp \\
              --eau bdtopo/SURFACE_EAU.shp --bati bdtopo/BATI_INDIFFERENCIE.shp --sortie rodez.svg
          gup plan-situation --perimetres Data/qpv-rennes.geojson --quartier Maurepas --sans-fond \\
              --format A3 --orientation portrait --echelle 15000 --sortie maurepas.svg
        """
    )

    @Option(help: "Périmètres des quartiers.")
    var perimetres: String

    @Option(help: "Nom du quartier à situer (par défaut : le premier du fichier).")
    var quartier: String?

    @Option(help: "Communes : la commune du quartier et ses voisines.")
    var contexte: String?

    @OptionGroup(title: "Fond de plan") var fond: FondOptions

    @Flag(name: .customLong("sans-fond"), help: "Accepte un plan de situation sans couche de fond (avertissement).")
    var sansFond = false

    @OptionGroup var page: PlanPageOptions

    func run() throws {
        try page.drawAndWrite { options, reporter in
            if fond.isEmpty && !sansFond {
                throw GUPError("plan de situation sans fond de plan : donnez au moins --routes (routes et rues, BD TOPO ou OpenStreetMap), et --voies-ferrees, --eau, --bati, --lieux si vous les avez ; ou --sans-fond pour un plan des seules communes")
            }
            let p = try page.crs.read(perimetres)
            let c = try page.crs.read(contexte)
            let working = try page.crs.workingCRS(for: [p], reporter: reporter)
            let wp = try page.crs.prepare(p, to: working, expecting: .areal, reporter: reporter).indexed()
            let wc = try page.crs.prepare(c, to: working, expecting: .areal, reporter: reporter)?.indexed()
            let background = try fond.load(page.crs, working: working, reporter: reporter)
            return try Plans.situation(perimeters: wp, quartier: .name(quartier), context: wc, background: background,
                                       options: options, reporter: reporter)
        }
    }
}
