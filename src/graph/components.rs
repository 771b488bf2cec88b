//! Per-class strongly connected components: a vehicle must be able to get back from wherever it
//! can go, so each class keeps only its largest strongly connected component.
//!
//! Owns: the SCC computation (petgraph's Kosaraju, iterative: no recursion on large graphs) and the report of what was dropped.
//! Must never: decide access; it only clears mask bits of edges outside the kept component.

use crate::vehicle::VehicleClass;
use petgraph::graph::DiGraph;
use rayon::prelude::*;

/// What the component step kept and dropped for one class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassComponents {
    /// Class id.
    pub class: String,
    /// Nodes touching at least one edge the class may use.
    pub usable_nodes: u64,
    /// Nodes in the largest strongly connected component (the kept part).
    pub kept_nodes: u64,
    /// Edges kept for the class.
    pub kept_edges: u64,
    /// Other components (each dropped), not counting isolated single nodes.
    pub dropped_components: u64,
    /// Nodes in dropped components (including single nodes that cannot be left or reached).
    pub dropped_nodes: u64,
}

impl ClassComponents {
    /// Share of the class's usable nodes that are in the kept component (0..=1).
    pub fn reachable_share(&self) -> f64 {
        if self.usable_nodes == 0 {
            0.0
        } else {
            self.kept_nodes as f64 / self.usable_nodes as f64
        }
    }
}

/// For each class, find the largest SCC of its usable edges and clear its bit on every edge
/// that leaves it. Classes are processed in parallel; the result does not depend on threads.
pub fn largest_components(
    first_out: &[u32],
    head: &[u32],
    edge_mask: &mut [u32],
    classes: &[VehicleClass],
) -> Vec<ClassComponents> {
    let n = first_out.len() - 1;
    let masks: &[u32] = edge_mask;
    let per_class: Vec<(Vec<bool>, ClassComponents)> = classes
        .par_iter()
        .enumerate()
        .map(|(c, class)| {
            let bit = 1u32 << c;
            let mut touched = vec![false; n];
            let mut graph = DiGraph::<(), (), u32>::with_capacity(n, 0);
            for _ in 0..n {
                graph.add_node(());
            }
            for v in 0..n {
                for e in first_out[v] as usize..first_out[v + 1] as usize {
                    if masks[e] & bit != 0 {
                        graph.add_edge((v as u32).into(), head[e].into(), ());
                        touched[v] = true;
                        touched[head[e] as usize] = true;
                    }
                }
            }
            let sccs = petgraph::algo::kosaraju_scc(&graph);
            let usable_nodes = touched.iter().filter(|&&t| t).count() as u64;
            // Largest by size; ties go to the component with the smallest node index.
            let best = sccs
                .iter()
                .filter(|s| s.iter().all(|v| touched[v.index()]))
                .max_by_key(|s| {
                    (
                        s.len(),
                        std::cmp::Reverse(s.iter().map(|v| v.index()).min().unwrap_or(usize::MAX)),
                    )
                });
            let mut keep = vec![false; n];
            if let Some(best) = best {
                for v in best {
                    keep[v.index()] = true;
                }
            }
            let kept_nodes = keep.iter().filter(|&&k| k).count() as u64;
            let dropped_components = sccs
                .iter()
                .filter(|s| s.len() > 1 && !keep[s[0].index()])
                .count() as u64;
            let report = ClassComponents {
                class: class.id.clone(),
                usable_nodes,
                kept_nodes,
                kept_edges: 0,
                dropped_components,
                dropped_nodes: usable_nodes - kept_nodes,
            };
            (keep, report)
        })
        .collect();
    let mut reports = Vec::with_capacity(classes.len());
    for (c, (keep, mut report)) in per_class.into_iter().enumerate() {
        let bit = 1u32 << c;
        let mut kept_edges = 0;
        for v in 0..n {
            for e in first_out[v] as usize..first_out[v + 1] as usize {
                if edge_mask[e] & bit != 0 {
                    if keep[v] && keep[head[e] as usize] {
                        kept_edges += 1;
                    } else {
                        edge_mask[e] &= !bit;
                    }
                }
            }
        }
        report.kept_edges = kept_edges;
        reports.push(report);
    }
    reports
}
