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

    @Option(help: "Date imprimée dans le cartouche (par défaut : aujourd'hui, JJ/MM/AAAA).")
    var date: String?

    @Option(name: .customLong("source"), help: "Source à citer dans le cartouche en plus des fichiers (répétable).")
    var sources: [String] = []

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
        return PlanOptions(page: Page(format: f, orientation: o), scale: echelle, date: date ?? Cartouche.today(), sources: sources)
    }

    /// The body of a plan command: checks the page options, draws the plan
    /// (`draw` reads the layers through `crs`), writes the SVG atomically to
    /// --sortie and prints its summary; library errors exit 1 in French.
    func drawAndWrite(_ draw: (PlanOptions, Reporter) throws -> RenderedPlan) throws {
        try runReportingErrors {
            let reporter = TerminalReporter(verbose: false)
            let plan = try draw(try planOptions(), reporter)
            if sortie.lowercased().hasSuffix(".pdf") {
                try OutputFolder.writeFile(to: sortie) { try DossierDocuments.renderPlanPDF(svg: Data(plan.svg.utf8), source: sortie, to: $0) }
            } else {
                try PlanRenderer.write(plan, to: sortie)
            }
            report(plan)
        }
    }

    func report(_ plan: RenderedPlan) {
        let bytes = (try? FileManager.default.attributesOfItem(atPath: sortie)[.size] as? Int) ?? plan.svg.utf8.count
        let size = ByteCountFormatter.string(fromByteCount: Int64(bytes), countStyle: .file)
        print("Plan écrit : \(sortie) (\(size)), échelle 1/\(SVG.frenchInteger(plan.scale)), \(plan.legend.count) entrée(s) de légende")
        if plan.labelsDropped > 0 {
            print("\(plan.labelsDropped) étiquette(s) non placée(s) faute de place, \(plan.labelsPlaced) placée(s)")
        }
    }
}

struct PlanSituation: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan-situation",
        abstract: "Dessine le plan de situation d'un quartier (SVG à l'échelle) : le quartier dans sa commune.",
        discussion: """
        Le quartier est mis en évidence dans sa commune (trouvée par localisation : la commune \
        qui recouvre le plus sa surface) et les communes voisines, avec leurs noms ; les autres \
        quartiers du fichier des périmètres sont cernés. Le plan est exact à l'impression : \
        1 m sur le terrain = 1000/N mm sur le papier, dans le système de travail. Il porte une \
        échelle graphique, la flèche du nord (corrigée de la convergence des méridiens), une \
        légende et un cartouche (titre, quartier, commune, date, échelle, système, sources).

        Exemples :
          gup plan-situation --perimetres Data/demo/perimetres.geojson --quartier "Les Pins" \\
              --contexte communes-13.geojson --sortie plans/situation.svg
          gup plan-situation --perimetres Data/qpv-rennes.geojson --quartier Maurepas \\
              --format A3 --orientation portrait --echelle 15000 --sortie maurepas.svg
        """
    )

    @Option(help: "Périmètres des quartiers.")
    var perimetres: String

    @Option(help: "Nom du quartier à situer (par défaut : le premier du fichier).")
    var quartier: String?

    @Option(help: "Communes : la commune du quartier et ses voisines.")
    var contexte: String?

    @OptionGroup var page: PlanPageOptions

    func run() throws {
        try page.drawAndWrite { options, reporter in
            let p = try page.crs.read(perimetres)
            let c = try page.crs.read(contexte)
            let working = try page.crs.workingCRS(for: [p], reporter: reporter)
            let wp = try page.crs.prepare(p, to: working, expecting: .areal, reporter: reporter)
            let wc = try page.crs.prepare(c, to: working, expecting: .areal, reporter: reporter)
            return try Plans.situation(perimeters: wp, quartier: .name(quartier), context: wc, options: options, reporter: reporter)
        }
    }
}
