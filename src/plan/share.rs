//! Shared distribution (共同配送): what pooling carriers saves, and who pays what.
//!
//! Every coalition of carriers is planned as one pool (solved in parallel with rayon, one search
//! thread each, so results do not depend on scheduling). A coalition can always run as separate
//! groups, so its cost is the lower of its pooled plan and its best split into two smaller
//! coalitions; where the search's pooled plan was dearer than a split, the report says so. From
//! these costs: the Shapley value (exact, up to [`MAX_EXACT`] carriers), a proportional
//! allocation (pooled cost in proportion to stand-alone costs), and the core check (no carrier and
//! no group of carriers pays more than it would alone).
//!
//! Owns: [`share`], [`shapley`], [`in_core`]. Must never: read or write files.

use super::{solve_pool, unpack, Kpis, PlanError, PlannedRoute, Unserved};
use crate::matrix::MatrixEngine;
use crate::network::Network;
use crate::scenario::Scenario;
use crate::zones::ZoneTags;
use rayon::prelude::*;

/// Exact Shapley values up to this many carriers (2^8 - 1 coalitions to plan).
pub const MAX_EXACT: usize = 8;

/// One carrier's share.
#[derive(Clone, Debug, PartialEq)]
pub struct CarrierShare {
    /// Carrier id.
    pub id: String,
    /// Its cost planning alone (yuan).
    pub standalone_cost: f64,
    /// Shapley value (yuan).
    pub shapley: f64,
    /// Proportional share of the pooled cost (yuan).
    pub proportional: f64,
}

/// One coalition's cost.
#[derive(Clone, Debug, PartialEq)]
pub struct CoalitionCost {
    /// Member ids.
    pub members: Vec<String>,
    /// The cost used (yuan): the pooled plan or its best split.
    pub cost: f64,
    /// The pooled plan's own cost (yuan).
    pub pooled_plan_cost: f64,
}

/// Separate versus shared, and the allocation.
#[derive(Clone, Debug)]
pub struct ShareReport {
    /// Cost of all carriers pooled (yuan).
    pub pooled_cost: f64,
    /// Sum of stand-alone costs (yuan).
    pub separate_cost: f64,
    /// Does the Shapley allocation lie in the core?
    pub core_ok: bool,
    /// Per carrier.
    pub carriers: Vec<CarrierShare>,
    /// Every coalition, in bit order.
    pub coalitions: Vec<CoalitionCost>,
    /// Coalitions whose pooled plan cost more than a split (search effort too small).
    pub pooled_worse_than_split: Vec<String>,
    /// Routes of the separate plans (every carrier alone).
    pub separate_routes: Vec<PlannedRoute>,
    /// Routes of the pooled plan.
    pub pooled_routes: Vec<PlannedRoute>,
    /// Unserved orders, separate and pooled.
    pub unserved: (Vec<Unserved>, Vec<Unserved>),
    /// KPIs, separate and pooled.
    pub kpis: (Kpis, Kpis),
    /// Checker findings on both plans (empty: both keep every rule).
    pub violations: Vec<String>,
}

/// Plan every coalition of the scenario's carriers and allocate the pooled cost.
pub fn share(
    scenario: &Scenario,
    network: &Network,
    engine: &MatrixEngine,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<ShareReport, PlanError> {
    let n = scenario.carriers.len();
    if n > MAX_EXACT {
        return Err(PlanError::TooManyCarriers {
            carriers: n,
            max: MAX_EXACT,
        });
    }
    let tags = ZoneTags::new(&network.graph, &scenario.policy);
    let full = (1usize << n) - 1;
    progress(&format!("planning {full} coalitions of {n} carriers"));
    let solved: Vec<_> = (1..=full)
        .into_par_iter()
        .map(|mask| {
            let members: Vec<usize> = (0..n).filter(|i| mask >> i & 1 == 1).collect();
            solve_pool(scenario, network, engine, &tags, &members, 1, &[])
        })
        .collect::<Result<Vec<_>, _>>()?;
    let yuan = |milli_cents: i64| milli_cents as f64 / 100_000.0;
    let plan_cost: Vec<f64> = std::iter::once(0.0)
        .chain(solved.iter().map(|s| yuan(s.report.cost.0)))
        .collect();
    // v(S) = min(pooled plan, best split into two coalitions), by increasing coalition size.
    let mut v = plan_cost.clone();
    let mut worse = Vec::new();
    let name = |mask: usize| {
        (0..n)
            .filter(|i| mask >> i & 1 == 1)
            .map(|i| scenario.carriers[i].id.clone())
            .collect::<Vec<_>>()
    };
    for mask in 1..=full {
        let mut sub = (mask - 1) & mask;
        while sub > 0 {
            let split = v[sub] + v[mask & !sub];
            if split < v[mask] - 1e-9 {
                v[mask] = split;
            }
            sub = (sub - 1) & mask;
        }
        if v[mask] < plan_cost[mask] - 0.005 {
            worse.push(name(mask).join("+"));
        }
    }
    let phi = shapley(n, &v);
    let standalone: Vec<f64> = (0..n).map(|i| v[1 << i]).collect();
    let total_alone: f64 = standalone.iter().sum();
    let carriers = (0..n)
        .map(|i| CarrierShare {
            id: scenario.carriers[i].id.clone(),
            standalone_cost: standalone[i],
            shapley: phi[i],
            proportional: if total_alone > 0.0 {
                v[full] * standalone[i] / total_alone
            } else {
                0.0
            },
        })
        .collect();
    let coalitions = (1..=full)
        .map(|m| CoalitionCost {
            members: name(m),
            cost: v[m],
            pooled_plan_cost: plan_cost[m],
        })
        .collect();
    let mut separate_routes = Vec::new();
    let mut separate_unserved = Vec::new();
    let mut violations = Vec::new();
    for i in 0..n {
        let (r, u, viol) = unpack(scenario, network, &tags, &solved[(1 << i) - 1]);
        separate_routes.extend(r);
        separate_unserved.extend(u);
        violations.extend(viol);
    }
    let (pooled_routes, pooled_unserved, viol) =
        unpack(scenario, network, &tags, &solved[full - 1]);
    violations.extend(viol);
    let kpis = (
        Kpis::compute(scenario, &separate_routes, &separate_unserved),
        Kpis::compute(scenario, &pooled_routes, &pooled_unserved),
    );
    Ok(ShareReport {
        pooled_cost: v[full],
        separate_cost: total_alone,
        core_ok: in_core(n, &v, &phi),
        carriers,
        coalitions,
        pooled_worse_than_split: worse,
        separate_routes,
        pooled_routes,
        unserved: (separate_unserved, pooled_unserved),
        kpis,
        violations,
    })
}

/// Exact Shapley values of the cost game `v` over `n` players (`v[mask]`, `v[0] = 0`).
pub fn shapley(n: usize, v: &[f64]) -> Vec<f64> {
    let fact = |k: usize| (1..=k).map(|x| x as f64).product::<f64>();
    let mut phi = vec![0.0; n];
    for (i, p) in phi.iter_mut().enumerate() {
        for s in 0..(1usize << n) {
            if s >> i & 1 == 1 {
                continue;
            }
            let size = s.count_ones() as usize;
            let weight = fact(size) * fact(n - size - 1) / fact(n);
            *p += weight * (v[s | 1 << i] - v[s]);
        }
    }
    phi
}

/// Does allocation `x` lie in the core of the cost game `v`: no coalition pays more than its own
/// cost (1 fen of tolerance)?
pub fn in_core(n: usize, v: &[f64], x: &[f64]) -> bool {
    (1..(1usize << n)).all(|s| {
        (0..n)
            .filter(|i| s >> i & 1 == 1)
            .map(|i| x[i])
            .sum::<f64>()
            <= v[s] + 0.01
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetric_three_carriers_share_equally_and_sit_in_the_core() {
        // Alone 10 each, any two pooled 15, all three 18.
        let v = [0.0, 10.0, 10.0, 15.0, 10.0, 15.0, 15.0, 18.0];
        let phi = shapley(3, &v);
        assert!(phi.iter().all(|p| (p - 6.0).abs() < 1e-9), "{phi:?}");
        assert!((phi.iter().sum::<f64>() - 18.0).abs() < 1e-9);
        assert!(in_core(3, &v, &phi));
        // If any pair could do it for 10, no split of 18 satisfies all pairs (empty core).
        let tight = [0.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 18.0];
        assert!(!in_core(3, &tight, &shapley(3, &tight)));
    }

    #[test]
    fn an_asymmetric_case_with_known_values() {
        // Carrier 0 alone 12, 1 alone 6, 2 alone 6; {0,1} 14, {0,2} 14, {1,2} 8, all 16.
        let v = [0.0, 12.0, 6.0, 14.0, 6.0, 14.0, 8.0, 16.0];
        let phi = shapley(3, &v);
        // phi_0 = 1/3*12 + 1/6*(14-6) + 1/6*(14-6) + 1/3*(16-8) = 4 + 4/3 + 4/3 + 8/3 = 28/3.
        assert!((phi[0] - 28.0 / 3.0).abs() < 1e-9, "{phi:?}");
        assert!((phi[1] - phi[2]).abs() < 1e-9);
        assert!((phi.iter().sum::<f64>() - 16.0).abs() < 1e-9);
        assert!(in_core(3, &v, &phi));
    }
}
