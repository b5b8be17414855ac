#!/usr/bin/env python3
"""Orientation layers for the demo's synthetic city: named streets, a
railway, buildings, water and named places.

The demo city comes from shared/tools/city.py (seed 7, 8 x 6 blocks): its
street grid is the first thing it draws from its random generator, so the
same draws give back the grid here: x = X0, then for each block column a
block width U(90, 190) and a street width U(12, 20); the same along y. Each
street strip between two blocks gets its centre line, cut into one segment
per block (as BD TOPO cuts roads at every crossing), with a French street
name and BD TOPO-like attributes (`nom_voie_g`, `importance` 1-6,
`nature`). Around the grid: a boulevard ring (importance 3), two avenues
leaving the town (importance 2), a motorway east of the city (importance
1) and a few lanes (importance 6); a railway line to the south-west.

Buildings (`bati`, BD TOPO-like `nature`): the residences' footprints, a
building on each copropriété parcel (the parcel less 4 m) and public
buildings on the large Ville parcels. Water (`eau`): a stream south of the
town (a line) and a retention basin between the ring and the motorway (a
surface). Places (`lieux`, `toponyme`): the town hall, schools, the
stadium, the station on the railway, a shopping centre (points) and a park
(a surface), each on a parcel or a spot the city leaves free.

usage: demo-streets.py OUTDIR [--seed 7] [--blocks 8]
reads OUTDIR/parcelles.geojson and OUTDIR/residences.geojson (city.py);
writes OUTDIR/routes.geojson, voies_ferrees.geojson, bati.geojson,
eau.geojson and lieux.geojson (WGS 84)
"""
import argparse, json, math, os, random

from pyproj import Transformer
from shapely.geometry import LineString, Point, mapping, shape
from shapely.ops import unary_union
import shapely

X0, Y0 = 881500.0, 6263000.0  # as in city.py

VERTICAL = ["Rue Frédéric Mistral", "Rue Jean Jaurès", "Rue des Lavandes", "Avenue Paul Cézanne", "Rue Marcel Pagnol",
            "Rue des Oliviers", "Rue Edmond Rostand", "Rue Alphonse Daudet", "Rue Jean Moulin", "Rue Victor Hugo"]
HORIZONTAL = ["Rue des Cigales", "Avenue de la Garrigue", "Rue du Mistral", "Rue des Pins", "Rue Émile Zola",
              "Rue de l'Étang", "Rue Pasteur", "Rue des Écoles"]


def grid(seed, nbx, nby):
    rng = random.Random(seed)
    xs, x = [X0], X0
    for _ in range(nbx):
        x += rng.uniform(90, 190); xs.append(x); x += rng.uniform(12, 20); xs.append(x)
    ys, y = [Y0], Y0
    for _ in range(nby):
        y += rng.uniform(80, 170); ys.append(y); y += rng.uniform(12, 20); ys.append(y)
    return xs, ys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--blocks", type=int, default=8)
    a = ap.parse_args()
    nbx, nby = a.blocks, max(6, a.blocks * 3 // 4)
    xs, ys = grid(a.seed, nbx, nby)
    # Street centre lines: between block k (xs[2k], xs[2k+1]) and block k+1.
    vx = [(xs[2 * k + 1] + xs[2 * k + 2]) / 2 for k in range(nbx - 1)]
    hy = [(ys[2 * k + 1] + ys[2 * k + 2]) / 2 for k in range(nby - 1)]
    # The ring boulevard 8 m outside the outer blocks.
    x_w, x_e = xs[0] - 8, xs[2 * nbx - 1] + 8
    y_s, y_n = ys[0] - 8, ys[2 * nby - 1] + 8
    cuts_x = [x_w] + vx + [x_e]
    cuts_y = [y_s] + hy + [y_n]
    feats = []
    seg = 0

    def add(coords, name, importance, nature):
        nonlocal seg
        seg += 1
        feats.append({"type": "Feature", "properties": {
            "id": f"TRONROUT{seg:010d}", "nom_voie_g": name, "importance": str(importance), "nature": nature},
            "geometry": {"type": "LineString", "coordinates": coords}})

    def street(points, name, importance, nature):
        for p, q in zip(points, points[1:]):
            add([p, q], name, importance, nature)

    for k, x in enumerate(vx):
        # The middle street is the town's main axis.
        imp = 4 if k == len(vx) // 2 else 5
        street([(x, y) for y in cuts_y], VERTICAL[k % len(VERTICAL)], imp, "Route à 1 chaussée")
    for k, y in enumerate(hy):
        imp = 4 if k == len(hy) // 2 else 5
        street([(x, y) for x in cuts_x], HORIZONTAL[k % len(HORIZONTAL)], imp, "Route à 1 chaussée")
    street([(x_w, y) for y in cuts_y], "Boulevard de l'Europe", 3, "Route à 2 chaussées")
    street([(x_e, y) for y in cuts_y], "Boulevard Henri Fabre", 3, "Route à 2 chaussées")
    street([(x, y_s) for x in cuts_x], "Boulevard de Provence", 3, "Route à 2 chaussées")
    street([(x, y_n) for x in cuts_x], "Boulevard des Salyens", 3, "Route à 2 chaussées")
    # Avenues leaving the town: west to Marignane, north to Aix.
    ymid = cuts_y[len(cuts_y) // 2]
    street([(x_w - d, ymid + 0.15 * d) for d in range(0, 4001, 500)], "Avenue de Marignane", 2, "Route à 2 chaussées")
    xmid = cuts_x[len(cuts_x) // 2]
    street([(xmid + 0.2 * d, y_n + d) for d in range(0, 4001, 500)], "Route d'Aix", 2, "Route à 2 chaussées")
    # A motorway 900 m east of the ring, with an interchange link.
    xm = x_e + 900
    street([(xm + 0.1 * (y - y_s), y) for y in range(int(y_s - 4000), int(y_n + 4000), 500)], "Autoroute A7", 1, "Type autoroutier")
    street([(x_e, ymid), (x_e + 450, ymid + 60), (xm + 0.1 * (ymid + 120 - y_s), ymid + 120)], "Avenue de l'Échangeur", 2, "Bretelle")
    # Lanes into the garrigue (unnamed, importance 6).
    rng = random.Random(a.seed + 1)
    for k in range(6):
        x0 = rng.choice(cuts_x)
        street([(x0, y_n), (x0 + rng.uniform(-200, 200), y_n + rng.uniform(300, 700))], "", 6, "Chemin")

    t = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)

    def wgs(f):
        f["geometry"]["coordinates"] = [[round(v, 7) for v in t.transform(x, y)] for x, y in f["geometry"]["coordinates"]]
        if not f["properties"]["nom_voie_g"]:
            f["properties"]["nom_voie_g"] = None
        return f

    with open(os.path.join(a.outdir, "routes.geojson"), "w", encoding="utf-8") as fh:
        json.dump({"type": "FeatureCollection", "features": [wgs(f) for f in feats]}, fh, ensure_ascii=False)
    # A railway west of the town, south to north, clear of the blocks.
    rail = [(x_w - 1400 + 90 * k, y_s - 2500 + 450 * k) for k in range(0, 15)]
    rail_f = [{"type": "Feature", "properties": {"nature": "Voie ferrée principale", "nb_voies": 2},
               "geometry": {"type": "LineString", "coordinates": [[round(v, 7) for v in t.transform(x, y)] for x, y in rail]}}]
    with open(os.path.join(a.outdir, "voies_ferrees.geojson"), "w", encoding="utf-8") as fh:
        json.dump({"type": "FeatureCollection", "features": rail_f}, fh, ensure_ascii=False)
    nb = background(a.outdir, t, (x_w, y_s, x_e, y_n), xm, rail)
    print(f"{len(feats)} tronçons, 1 voie ferrée, {nb}")


def background(outdir, to_wgs, ring, xm, rail):
    """Buildings, water and named places (see the module's docstring)."""
    x_w, y_s, x_e, y_n = ring
    to_l93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)

    def read(name):
        with open(os.path.join(outdir, name), encoding="utf-8") as fh:
            return [(f["properties"], shapely.transform(shape(f["geometry"]), lambda c: list(zip(*to_l93.transform(c[:, 0], c[:, 1]))), interleaved=True))
                    for f in json.load(fh)["features"]]

    def write(name, feats):
        out = []
        for props, g in feats:
            g = shapely.transform(g, lambda c: list(zip(*to_wgs.transform(c[:, 0], c[:, 1]))), interleaved=True)
            out.append({"type": "Feature", "properties": props, "geometry": json.loads(json.dumps(mapping(shapely.set_precision(g, 1e-7))))})
        with open(os.path.join(outdir, name), "w", encoding="utf-8") as fh:
            json.dump({"type": "FeatureCollection", "features": out}, fh, ensure_ascii=False)

    parcels = read("parcelles.geojson")
    residences = read("residences.geojson")
    # Buildings: the residences, then one per copropriété parcel, public ones on large Ville parcels.
    bati = [({"nature": "Résidentiel", "usage": "logements sociaux"}, g) for _, g in residences]
    built = unary_union([g for _, g in residences])
    ville = []
    for props, g in parcels:
        if g.intersects(built):
            continue
        if props["gestionnaire"] == "Copropriété":
            b = g.buffer(-4, join_style="mitre")
            if b.area >= 60:
                bati.append(({"nature": "Résidentiel", "usage": "copropriété"}, b))
        elif props["gestionnaire"] == "Ville" and g.area >= 900:
            ville.append(g)
    ville.sort(key=lambda g: (-g.area, g.centroid.x))
    public = []
    for g in ville[:6]:
        c = g.centroid
        side = math.sqrt(g.area) * 0.35
        b = shapely.box(c.x - side, c.y - side * 0.7, c.x + side, c.y + side * 0.7)
        bati.append(({"nature": "Indifférenciée", "usage": "équipement public"}, b))
        public.append(b)
    write("bati.geojson", bati)
    # Water: a stream south of the ring flowing west, a retention basin east of the town.
    stream = LineString([(xm + 600, y_s - 900), (xm - 300, y_s - 520), (x_e, y_s - 380), ((x_w + x_e) / 2, y_s - 300),
                         (x_w, y_s - 420), (x_w - 900, y_s - 380), (x_w - 2600, y_s - 650)])
    basin = Point(x_e + 450, y_s + 180).buffer(110).intersection(shapely.box(x_e + 330, y_s + 60, x_e + 600, y_s + 320))
    write("eau.geojson", [({"nature": "Cours d'eau", "nom": "Ruisseau de la Cadière"}, stream),
                          ({"nature": "Bassin", "nom": "Bassin de rétention des Salyens"}, basin)])
    # Named places: public buildings, the station on the railway, a park by the boulevard.
    names = ["Hôtel de ville", "Groupe scolaire Jean Jaurès", "Collège Henri Bosco", "Gymnase Marcel Cerdan",
             "Centre social Les Pins", "Médiathèque"]
    lieux = [({"toponyme": n, "nature": "Équipement public"}, b.centroid) for n, b in zip(names, public)]
    line = LineString(rail)
    station = line.interpolate(line.project(Point(x_w, (y_s + y_n) / 2)))
    lieux.append(({"toponyme": "Gare de Vitrolles", "nature": "Gare"}, station))
    lieux.append(({"toponyme": "Stade municipal", "nature": "Stade"}, Point(x_w - 350, y_n - 120)))
    lieux.append(({"toponyme": "Centre commercial du Griffon", "nature": "Commerce"}, Point(x_e + 420, y_n + 150)))
    lieux.append(({"toponyme": "Parc de la Garrigue", "nature": "Espace vert"},
                  shapely.box(x_w - 420, y_s + 40, x_w - 60, y_s + 380)))
    write("lieux.geojson", lieux)
    return f"{len(bati)} bâtiments, {2} éléments d'eau, {len(lieux)} lieux"


if __name__ == "__main__":
    main()
