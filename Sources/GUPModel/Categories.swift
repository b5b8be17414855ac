/// French display labels of the usual incident category codes
/// (`depot_sauvage` → « Dépôt sauvage »); unknown codes are shown as they are.
public enum IncidentCategories {
    public static let labels: [String: String] = [
        "depot_sauvage": "Dépôt sauvage", "encombrants": "Encombrants", "tag": "Tag", "eclairage": "Éclairage",
        "epave": "Épave", "proprete": "Propreté", "degradation": "Dégradation",
    ]

    public static func label(_ code: String) -> String { labels[code] ?? code }
}
