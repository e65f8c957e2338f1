#!/usr/bin/env python3
"""Independent Similarity Flooding oracle for tern-engine's tests.

Written from the definitions (Melnik, Garcia-Molina, Rahm, ICDE 2002, and the notes on Erbel
et al.'s variant), not from the Rust code: the propagation graph is a dictionary of
coefficients per (from, to) pair computed from the definitions, and each step is a
dictionary sum. Run from this directory:

    python3 sf_oracle.py > sf_vectors.json

Output: a list of cases, each with both graphs, the configuration, the iteration count and
the similarity per pair ("x,y").
"""
import json
import math
import os
import random

SAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../samples/topologies")


def occi_graph(path):
    """Nodes = resources (class = kind term), edges = links in document order."""
    with open(path) as f:
        doc = json.load(f)
    ids = [r["id"] for r in doc["resources"]]
    names = {r["id"]: (r.get("title") or r["id"]) for r in doc["resources"]}
    where = {"/%s/%s" % (r["kind"].split("#")[1], r["id"]): r["id"] for r in doc["resources"]}
    nodes = [[names[i], r["kind"].split("#")[1]] for i, r in zip(ids, doc["resources"])]
    edges = []
    for r in doc["resources"]:
        for l in r.get("links", []):
            edges.append([names[r["id"]], l["kind"].split("#")[1], names[where[l["target"]["location"]]]])
    return {"nodes": nodes, "edges": edges}


def pcg(g1, g2):
    """Vertices in creation order and labelled edges, following the transformation's loops."""
    out1 = {n: [e for e in g1["edges"] if e[0] == n] for n, _ in g1["nodes"]}
    out2 = {n: [e for e in g2["edges"] if e[0] == n] for n, _ in g2["nodes"]}
    vertices, edges = [], []
    for s1, _ in g1["nodes"]:
        for (_, l1, o1) in out1[s1]:
            for s2, _ in g2["nodes"]:
                for (_, l2, o2) in out2[s2]:
                    if l1 != l2:
                        continue
                    for v in ((s1, s2), (o1, o2)):
                        if v not in vertices:
                            vertices.append(v)
                    edges.append(((s1, s2), l1, (o1, o2)))
    return vertices, edges


def coefficients(g1, g2, edges, policy):
    """List of (from, to, weight) propagation edges."""
    def out_deg(g, n, l):
        return sum(1 for e in g["edges"] if e[0] == n and e[1] == l)

    def in_deg(g, n, l):
        return sum(1 for e in g["edges"] if e[2] == n and e[1] == l)

    prop = []
    if policy == "erbel":
        for (f, l, t) in edges:
            same = sum(1 for (f2, l2, _) in edges if f2 == f and l2 == l)
            prop.append((f, t, 1.0 / same))
        for (f, l, t) in edges:
            entering = sum(1 for (_, _, t2) in edges if t2 == t)
            prop.append((t, f, 1.0 / entering))
        return prop
    for (f, l, t) in edges:
        a, b = out_deg(g1, f[0], l), out_deg(g2, f[1], l)
        prop.append((f, t, 1.0 / (a * b) if policy == "product" else 2.0 / (a + b)))
        a, b = in_deg(g1, t[0], l), in_deg(g2, t[1], l)
        prop.append((t, f, 1.0 / (a * b) if policy == "product" else 2.0 / (a + b)))
    return prop


def flood(g1, g2, cfg):
    vertices, edges = pcg(g1, g2)
    prop = coefficients(g1, g2, edges, cfg["coefficients"])
    cls = {n: c for n, c in g1["nodes"]}
    sigma0 = {v: 1.0 for v in vertices}
    sigma = dict(sigma0)

    def phi(x):
        r = {v: 0.0 for v in vertices}
        for (f, t, w) in prop:
            r[t] += w * x[f]
        return r

    it = 0
    while it < cfg["max_iterations"]:
        it += 1
        f = cfg["formula"]
        if f == "basic":
            p = phi(sigma)
            nxt = {v: sigma[v] + p[v] for v in vertices}
        elif f == "A":
            p = phi(sigma)
            nxt = {v: sigma0[v] + p[v] for v in vertices}
        elif f == "B":
            p = phi({v: sigma0[v] + sigma[v] for v in vertices})
            nxt = p
        else:
            x = {v: sigma0[v] + sigma[v] for v in vertices}
            p = phi(x)
            nxt = {v: x[v] + p[v] for v in vertices}
        if cfg["normalisation"] == "global":
            m = max(nxt.values())
            nxt = {v: nxt[v] / m for v in vertices}
        else:
            maxes = {}
            for v in vertices:
                maxes[cls[v[0]]] = max(maxes.get(cls[v[0]], 0.0), nxt[v])
            nxt = {v: nxt[v] / maxes[cls[v[0]]] for v in vertices}
        term = cfg["termination"]
        if term["rule"] == "no_decrease":
            stop = not any(sigma[v] - nxt[v] > term["epsilon"] for v in vertices)
        else:
            res = math.sqrt(sum((sigma[v] - nxt[v]) ** 2 for v in vertices))
            stop = it >= term["min_iterations"] and res <= term["epsilon"]
        sigma = nxt
        if stop:
            break
    return it, {"%s,%s" % v: sigma[v] for v in vertices}


def random_graph(seed, prefix, n, m):
    rng = random.Random(seed)
    nodes = [["%s%d" % (prefix, i), "c%d" % (i % 2)] for i in range(n)]
    edges = []
    for _ in range(m):
        s, t = rng.randrange(n), rng.randrange(n)
        edges.append([nodes[s][0], "l%d" % rng.randrange(2), nodes[t][0]])
    return {"nodes": nodes, "edges": edges}


def main():
    toy_a = {"nodes": [["a", "x"], ["a1", "x"], ["a2", "x"]],
             "edges": [["a", "l1", "a1"], ["a", "l1", "a2"], ["a1", "l2", "a2"]]}
    toy_b = {"nodes": [["b", "x"], ["b1", "x"], ["b2", "x"]],
             "edges": [["b", "l1", "b1"], ["b", "l2", "b2"], ["b2", "l2", "b1"]]}
    topo = {k: occi_graph(os.path.join(SAMPLES, f)) for k, f in [
        ("A", "a-db-server.json"), ("B", "b-web-server.json"), ("C", "c-web-server-storage.json"),
        ("D", "d-web-server-network.json"), ("E", "e-web-server-network-storage.json")]}
    graphs = [("icde-fig3", toy_a, toy_b),
              ("occi-A-B", topo["A"], topo["B"]), ("occi-B-C", topo["B"], topo["C"]),
              ("occi-D-E", topo["D"], topo["E"]), ("occi-E-E", topo["E"], topo["E"]),
              ("random", random_graph(7, "p", 6, 10), random_graph(11, "q", 5, 9))]
    erbel = {"coefficients": "erbel", "formula": "basic", "normalisation": "per_class",
             "termination": {"rule": "no_decrease", "epsilon": 1e-22}, "max_iterations": 1000}
    configs = [erbel]
    for pol in ("product", "average"):
        for f in ("basic", "A", "B", "C"):
            for norm in ("global", "per_class"):
                configs.append({"coefficients": pol, "formula": f, "normalisation": norm,
                                "termination": {"rule": "residual", "epsilon": 1e-4, "min_iterations": 0},
                                "max_iterations": 100})
    cases = []
    for name, g1, g2 in graphs:
        for cfg in configs:
            it, values = flood(g1, g2, cfg)
            cases.append({"name": name, "graph1": g1, "graph2": g2, "config": cfg,
                          "iterations": it, "values": values})
    json.dump(cases, __import__("sys").stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
