//! Similarity Flooding (Melnik, Garcia-Molina, Rahm, ICDE 2002) over two labelled graphs:
//! the pairwise connectivity graph (PCG), the induced propagation graph (IPG) with its
//! coefficients, and the fixpoint iteration with the formulas basic, A, B and C.
//!
//! The defaults of [`FloodingConfig::erbel`] reproduce the variant of Erbel et al. (CLOSER
//! 2018) exactly: PCG built in the order of their transformation, forward coefficients by
//! inverse product, all reverse edges lumped under one label, the basic formula, per-class
//! normalisation, and "stop at the first iteration in which no value went down" (1e-22) or
//! after 1000 iterations. [`FloodingConfig::melnik`] gives the textbook variant.

use std::collections::HashMap;

/// A directed graph whose nodes have a class (an OCCI kind) and whose edges have a label
/// (a link kind). Nodes are `0..len`; edges keep their insertion order.
#[derive(Debug, Clone, Default)]
pub struct LabelledGraph {
    classes: Vec<u32>,
    edges: Vec<(usize, u32, usize)>,
    outgoing: Vec<Vec<usize>>,
}

/// How propagation coefficients are computed from the PCG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coefficients {
    /// Erbel et al.: forward `1 / (PCG edges leaving the pair with that label)` (the inverse
    /// product), every reverse edge `1 / (PCG edges entering the pair, any label)`.
    ErbelProduct,
    /// Melnik's inverse product: forward `1/(out_l(s1)·out_l(s2))`, backward
    /// `1/(in_l(o1)·in_l(o2))`.
    InverseProduct,
    /// Melnik's inverse average: forward `2/(out_l(s1)+out_l(s2))`, backward
    /// `2/(in_l(o1)+in_l(o2))`.
    InverseAverage,
}

/// The fixpoint formula (σ⁰ ≡ 1 throughout).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formula {
    /// σⁿ⁺¹ = normalize(σⁿ + φ(σⁿ)).
    Basic,
    /// σⁿ⁺¹ = normalize(σ⁰ + φ(σⁿ)).
    A,
    /// σⁿ⁺¹ = normalize(φ(σ⁰ + σⁿ)).
    B,
    /// σⁿ⁺¹ = normalize(σ⁰ + σⁿ + φ(σ⁰ + σⁿ)).
    C,
}

/// What the values are divided by after each step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Normalisation {
    /// The maximum over all pairs (Melnik).
    Global,
    /// The maximum over the pairs whose first node has the same class (Erbel et al.: per
    /// OCCI kind, so every kind has a pair at 1.0).
    PerClass,
}

/// When the iteration stops (besides the iteration bound).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Termination {
    /// Erbel et al.: stop after the first step in which no value decreased by more than
    /// `epsilon`.
    NoDecrease {
        /// Tolerance (1e-22 in the authors' code).
        epsilon: f64,
    },
    /// Melnik: stop once the Euclidean length of the change is at most `epsilon`, after at
    /// least `min_iterations` steps.
    Residual {
        /// Residual bound (0.05 in SFA, 1e-4 in valentine).
        epsilon: f64,
        /// Steps always taken.
        min_iterations: usize,
    },
}

/// Every knob of the computation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FloodingConfig {
    /// Propagation coefficients.
    pub coefficients: Coefficients,
    /// Fixpoint formula.
    pub formula: Formula,
    /// Normalisation.
    pub normalisation: Normalisation,
    /// Stop rule.
    pub termination: Termination,
    /// Iteration bound.
    pub max_iterations: usize,
}

/// The pairwise connectivity graph: candidate pairs (in creation order) and labelled edges.
#[derive(Debug, Clone, Default)]
pub struct Pcg {
    pairs: Vec<(usize, usize)>,
    index: HashMap<(usize, usize), usize>,
    edges: Vec<(usize, u32, usize)>,
}

/// The fixpoint: a value per PCG pair, in PCG order.
#[derive(Debug, Clone, PartialEq)]
pub struct Flooding {
    /// Candidate pairs (node of the first graph, node of the second), in PCG order.
    pub pairs: Vec<(usize, usize)>,
    /// Their similarity values.
    pub values: Vec<f64>,
    /// Steps taken.
    pub iterations: usize,
}

impl LabelledGraph {
    /// A graph with one node per entry of `classes`, and no edges.
    pub fn new(classes: Vec<u32>) -> Self {
        let outgoing = vec![Vec::new(); classes.len()];
        LabelledGraph {
            classes,
            edges: Vec::new(),
            outgoing,
        }
    }

    /// Adds the edge `source –label→ target`.
    pub fn add_edge(&mut self, source: usize, label: u32, target: usize) {
        self.outgoing[source].push(self.edges.len());
        self.edges.push((source, label, target));
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.classes.len()
    }

    /// True when there are no nodes.
    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
    }

    /// The class of `node`.
    pub fn class(&self, node: usize) -> u32 {
        self.classes[node]
    }

    fn degree(&self, node: usize, label: u32, out: bool) -> usize {
        if out {
            self.outgoing[node]
                .iter()
                .filter(|&&e| self.edges[e].1 == label)
                .count()
        } else {
            // Only used for coefficients; a scan keeps the structure small.
            self.edges
                .iter()
                .filter(|e| e.2 == node && e.1 == label)
                .count()
        }
    }
}

impl FloodingConfig {
    /// The variant of Erbel et al. (see the module documentation).
    pub const fn erbel() -> Self {
        FloodingConfig {
            coefficients: Coefficients::ErbelProduct,
            formula: Formula::Basic,
            normalisation: Normalisation::PerClass,
            termination: Termination::NoDecrease { epsilon: 1e-22 },
            max_iterations: 1000,
        }
    }

    /// Melnik's recommended setting as in SFA: formula C, inverse average, global
    /// normalisation, residual 0.05 after at least 7 steps, at most 10 000 steps.
    pub fn melnik() -> Self {
        FloodingConfig {
            coefficients: Coefficients::InverseAverage,
            formula: Formula::C,
            normalisation: Normalisation::Global,
            termination: Termination::Residual {
                epsilon: 0.05,
                min_iterations: 7,
            },
            max_iterations: 10_000,
        }
    }
}

impl Default for FloodingConfig {
    fn default() -> Self {
        FloodingConfig::erbel()
    }
}

impl Pcg {
    /// Builds the PCG in the order of the authors' transformation: for each node of `g1`
    /// and each of its edges, for each node of `g2` and each of its edges with the same
    /// label, the pair of sources and the pair of targets become vertices (once) and the two
    /// are joined by an edge with that label.
    pub fn build(g1: &LabelledGraph, g2: &LabelledGraph) -> Self {
        Pcg::build_pinned(g1, g2, &[])
    }

    /// [`build`](Pcg::build) followed by [`pin`](Pcg::pin), without ever holding the pairs
    /// that pinning drops: the same vertices and edges in the same order (pinning keeps the
    /// survivors' order), but memory proportional to what is kept, so identity pins shrink
    /// the mixed strategy's graph as they are found.
    pub fn build_pinned(g1: &LabelledGraph, g2: &LabelledGraph, pins: &[(usize, usize)]) -> Self {
        let first: HashMap<usize, usize> = pins.iter().copied().collect();
        let second: HashMap<usize, usize> = pins.iter().map(|&(a, b)| (b, a)).collect();
        let keep = |a: usize, b: usize| {
            first.get(&a).is_none_or(|&x| x == b) && second.get(&b).is_none_or(|&y| y == a)
        };
        let mut by_label: HashMap<u32, Vec<usize>> = HashMap::new();
        for node in 0..g2.len() {
            for &e in &g2.outgoing[node] {
                by_label.entry(g2.edges[e].1).or_default().push(e);
            }
        }
        let mut pcg = Pcg::default();
        for node in 0..g1.len() {
            for &e1 in &g1.outgoing[node] {
                let (s1, label, o1) = g1.edges[e1];
                let Some(candidates) = by_label.get(&label) else {
                    continue;
                };
                for &e2 in candidates {
                    let (s2, _, o2) = g2.edges[e2];
                    let from = keep(s1, s2).then(|| pcg.vertex(s1, s2));
                    let to = keep(o1, o2).then(|| pcg.vertex(o1, o2));
                    if let (Some(from), Some(to)) = (from, to) {
                        pcg.edges.push((from, label, to));
                    }
                }
            }
        }
        for &pin in pins {
            pcg.vertex(pin.0, pin.1);
        }
        pcg
    }

    /// Applies identity matches as Erbel's mixed strategy does: for each pinned `(a, b)`,
    /// drops every other pair involving `a` or `b`, adds `(a, b)` at the end when absent, and
    /// drops the edges that lost an end.
    pub fn pin(&mut self, pins: &[(usize, usize)]) {
        let first: HashMap<usize, usize> = pins.iter().copied().collect();
        let second: HashMap<usize, usize> = pins.iter().map(|&(a, b)| (b, a)).collect();
        let keep = |&(a, b): &(usize, usize)| {
            first.get(&a).is_none_or(|&x| x == b) && second.get(&b).is_none_or(|&y| y == a)
        };
        let mut renumber = vec![None; self.pairs.len()];
        let mut pairs = Vec::new();
        for (i, pair) in self.pairs.iter().enumerate() {
            if keep(pair) {
                renumber[i] = Some(pairs.len());
                pairs.push(*pair);
            }
        }
        let mut present: std::collections::HashSet<(usize, usize)> =
            pairs.iter().copied().collect();
        for pin in pins {
            if present.insert(*pin) {
                pairs.push(*pin);
            }
        }
        self.edges = self
            .edges
            .iter()
            .filter_map(|&(f, l, t)| Some((renumber[f]?, l, renumber[t]?)))
            .collect();
        self.index = pairs.iter().enumerate().map(|(i, &p)| (p, i)).collect();
        self.pairs = pairs;
    }

    /// The candidate pairs in creation order.
    pub fn pairs(&self) -> &[(usize, usize)] {
        &self.pairs
    }

    /// The labelled edges between pair positions.
    pub fn edges(&self) -> &[(usize, u32, usize)] {
        &self.edges
    }

    /// The position of `pair`, if it is a vertex.
    pub fn position(&self, pair: (usize, usize)) -> Option<usize> {
        self.index.get(&pair).copied()
    }

    fn vertex(&mut self, a: usize, b: usize) -> usize {
        if let Some(&i) = self.index.get(&(a, b)) {
            return i;
        }
        self.pairs.push((a, b));
        self.index.insert((a, b), self.pairs.len() - 1);
        self.pairs.len() - 1
    }

    /// The propagation graph: `(from, to, coefficient)` per edge, all forward edges (in PCG
    /// edge order) then all reverse edges.
    pub fn propagation(
        &self,
        g1: &LabelledGraph,
        g2: &LabelledGraph,
        coefficients: Coefficients,
    ) -> Vec<(usize, usize, f64)> {
        let n = self.pairs.len();
        let mut out_label: HashMap<(usize, u32), usize> = HashMap::new();
        let mut incoming = vec![0usize; n];
        for &(f, l, t) in &self.edges {
            *out_label.entry((f, l)).or_default() += 1;
            incoming[t] += 1;
        }
        let mut ipg = Vec::with_capacity(2 * self.edges.len());
        for &(f, l, t) in &self.edges {
            let w = match coefficients {
                Coefficients::ErbelProduct => 1.0 / out_label[&(f, l)] as f64,
                Coefficients::InverseProduct | Coefficients::InverseAverage => {
                    let (s1, s2) = self.pairs[f];
                    let a = g1.degree(s1, l, true) as f64;
                    let b = g2.degree(s2, l, true) as f64;
                    ratio(coefficients, a, b)
                }
            };
            ipg.push((f, t, w));
        }
        for &(f, l, t) in &self.edges {
            let w = match coefficients {
                Coefficients::ErbelProduct => 1.0 / incoming[t] as f64,
                Coefficients::InverseProduct | Coefficients::InverseAverage => {
                    let (o1, o2) = self.pairs[t];
                    let a = g1.degree(o1, l, false) as f64;
                    let b = g2.degree(o2, l, false) as f64;
                    ratio(coefficients, a, b)
                }
            };
            ipg.push((t, f, w));
        }
        ipg
    }
}

/// Runs the fixpoint iteration on `pcg`.
pub fn flood(
    g1: &LabelledGraph,
    g2: &LabelledGraph,
    pcg: &Pcg,
    config: &FloodingConfig,
) -> Flooding {
    let n = pcg.pairs.len();
    let ipg = pcg.propagation(g1, g2, config.coefficients);
    let classes: Vec<u32> = pcg.pairs.iter().map(|&(a, _)| g1.class(a)).collect();
    let mut sigma = vec![1.0f64; n];
    let mut iterations = 0;
    while iterations < config.max_iterations {
        iterations += 1;
        let mut next = step(&sigma, &ipg, config.formula);
        normalise(&mut next, &classes, config.normalisation);
        let stop = match config.termination {
            Termination::NoDecrease { epsilon } => !sigma
                .iter()
                .zip(&next)
                .any(|(old, new)| old - new > epsilon),
            Termination::Residual {
                epsilon,
                min_iterations,
            } => {
                let residual: f64 = sigma
                    .iter()
                    .zip(&next)
                    .map(|(old, new)| (old - new) * (old - new))
                    .sum::<f64>()
                    .sqrt();
                iterations >= min_iterations && residual <= epsilon
            }
        };
        sigma = next;
        if stop {
            break;
        }
    }
    Flooding {
        pairs: pcg.pairs.clone(),
        values: sigma,
        iterations,
    }
}

fn ratio(coefficients: Coefficients, a: f64, b: f64) -> f64 {
    if coefficients == Coefficients::InverseAverage {
        2.0 / (a + b)
    } else {
        1.0 / (a * b)
    }
}

// One unnormalised step. Each sum starts from the formula's base term and adds the
// contributions in IPG edge order, as the authors' Java does; exact ties depend on it.
fn step(sigma: &[f64], ipg: &[(usize, usize, f64)], formula: Formula) -> Vec<f64> {
    let shifted: Vec<f64>;
    let (base, source): (Vec<f64>, &[f64]) = match formula {
        Formula::Basic => (sigma.to_vec(), sigma),
        Formula::A => (vec![1.0; sigma.len()], sigma),
        Formula::B => {
            shifted = sigma.iter().map(|s| 1.0 + s).collect();
            (vec![0.0; sigma.len()], &shifted)
        }
        Formula::C => {
            shifted = sigma.iter().map(|s| 1.0 + s).collect();
            (shifted.clone(), &shifted)
        }
    };
    let mut next = base;
    for &(from, to, w) in ipg {
        next[to] += source[from] * w;
    }
    next
}

fn normalise(values: &mut [f64], classes: &[u32], normalisation: Normalisation) {
    match normalisation {
        Normalisation::Global => {
            let max = values.iter().copied().fold(0.0f64, f64::max);
            if max > 0.0 {
                for v in values.iter_mut() {
                    *v /= max;
                }
            }
        }
        Normalisation::PerClass => {
            let mut max: HashMap<u32, f64> = HashMap::new();
            for (v, c) in values.iter().zip(classes) {
                let m = max.entry(*c).or_insert(0.0);
                *m = m.max(*v);
            }
            for (v, c) in values.iter_mut().zip(classes) {
                let m = max[c];
                if m > 0.0 {
                    *v /= m;
                }
            }
        }
    }
}
