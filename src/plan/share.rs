//! Shared distribution (共同配送): what pooling carriers saves, and who pays what.
//!
//! Every coalition of carriers that the allocation needs is planned as one pool (as many at once
//! as the scenario has search threads, largest first, one search thread each, so results do not
//! depend on scheduling and a time limit gives each coalition a core). A
//! coalition can always run as separate groups, so its cost is the lower of its pooled plan and
//! its best split into two smaller planned coalitions; where the search's pooled plan was dearer
//! than a split, the report says so. From these costs: the Shapley value, a proportional
//! allocation (pooled cost in proportion to stand-alone costs), and the core check (no carrier
//! and no group of carriers pays more than it would alone).
//!
//! The work is split so it can run on a cluster: [`coalition_list`] gives the coalitions to plan
//! as data, [`plan_coalitions`] plans any subset of them (one shard's) into [`CoalitionRun`]s
//! (cost, unserved orders, and the solution where the report shows the plan), and [`assemble`]
//! builds the report from the runs of the whole list, rebuilding the shown plans from their
//! solutions; [`share_with`] is the three in one process, so one process and merged shards give
//! the same report.
//!
//! Shapley values are exact up to [`MAX_EXACT`] carriers (all 2^n - 1 coalitions planned).
//! Above that they are estimated by permutation sampling ([`sample_permutations`],
//! [`sampled_shapley`]): a seeded set of random orders of the carriers, each carrier charged its
//! marginal cost when it joins; only the coalitions that appear as prefixes of the sampled orders
//! (plus every carrier alone) are planned. Each sampled order's marginal costs add up to the
//! pooled cost exactly (they telescope), so their average does too: the estimate is efficient
//! without any normalisation. Each carrier's estimate comes with its standard error, a 95%
//! normal-approximation half-width (1.96 standard errors) and a 95% Hoeffding half-width from the
//! range a marginal cost can take (between 0, or the lowest one seen if negative, and the
//! carrier's stand-alone cost, which bounds it because coalition costs are subadditive).
//! Above [`MAX_EXACT`] the core check covers the planned coalitions only.
//!
//! Owns: [`share`], [`coalition_list`], [`plan_coalitions`], [`assemble`], [`shapley`],
//! [`sampled_shapley`], [`in_core`]. Must never: read or write files (the run files of a sharded
//! table are `io::runs` and `io::share_out`). Invariants: the same scenario, seed and permutation count give the same report; the
//! Shapley values (exact or sampled) sum to the pooled cost. A coalition's cost is its routes'
//! cost plus the penalty of every order it leaves unserved, except orders that no vehicle of any
//! carrier can reach (their penalty would be the same constant in every coalition holding them).

use super::{solve_pool, unpack, Kpis, PlanError, PlannedRoute, Unserved};
use crate::matrix::MatrixEngine;
use crate::network::Network;
use crate::scenario::Scenario;
use crate::solver::rng::Rng;
use crate::solver::solution::Solution;
use crate::zones::ZoneTags;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Exact Shapley values up to this many carriers (2^12 - 1 = 4,095 coalitions to plan: in
/// shards on a cluster, see `cityfreight share --shard`).
pub const MAX_EXACT: usize = 12;
/// Carriers at most (coalitions are bit masks of a `u64`).
pub const MAX_CARRIERS: usize = 64;

/// How to share above [`MAX_EXACT`] carriers.
#[derive(Clone, Debug, PartialEq)]
pub struct ShareParams {
    /// Sampled orders of the carriers (more: smaller error, more coalitions to plan).
    pub permutations: usize,
    /// Seed of the sampled orders.
    pub seed: u64,
}

impl Default for ShareParams {
    /// 100 orders, seed 1: the half-widths shrink with the square root of the count.
    fn default() -> ShareParams {
        ShareParams {
            permutations: 100,
            seed: 1,
        }
    }
}

/// How the Shapley values were computed.
#[derive(Clone, Debug, PartialEq)]
pub enum ShapleyMethod {
    /// Over all coalitions.
    Exact,
    /// By permutation sampling.
    Sampled {
        /// Sampled orders of the carriers.
        permutations: usize,
        /// Their seed.
        seed: u64,
    },
}

/// One carrier's share.
#[derive(Clone, Debug, PartialEq)]
pub struct CarrierShare {
    /// Carrier id.
    pub id: String,
    /// Its cost planning alone (yuan).
    pub standalone_cost: f64,
    /// Shapley value (yuan), exact or the sampled estimate.
    pub shapley: f64,
    /// Proportional share of the pooled cost (yuan).
    pub proportional: f64,
    /// Error of a sampled Shapley value (all zero when exact).
    pub error: ShapleyError,
}

/// The error of one sampled Shapley value (yuan).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ShapleyError {
    /// Standard error of the mean marginal cost.
    pub standard_error: f64,
    /// 95% half-width by the normal approximation (1.96 standard errors).
    pub half_width_95: f64,
    /// 95% half-width by Hoeffding's inequality over the range of the marginal cost: holds for
    /// any distribution, if coalition costs never fall when a carrier joins.
    pub hoeffding_95: f64,
}

/// A sampled Shapley estimate.
#[derive(Clone, Debug, PartialEq)]
pub struct SampledShapley {
    /// Per player, the mean marginal cost.
    pub values: Vec<f64>,
    /// Per player, its error.
    pub errors: Vec<ShapleyError>,
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
    /// Does the Shapley allocation lie in the core (over the planned coalitions)?
    pub core_ok: bool,
    /// Exact or sampled Shapley values.
    pub method: ShapleyMethod,
    /// Per carrier.
    pub carriers: Vec<CarrierShare>,
    /// Every planned coalition, in bit order (all of them when exact).
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
    pub violations: Vec<super::PlanViolation>,
}

/// Plan the coalitions of the scenario's carriers and allocate the pooled cost, with the default
/// [`ShareParams`] above [`MAX_EXACT`] carriers.
pub fn share(
    scenario: &Scenario,
    network: &Network,
    engine: &MatrixEngine,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<ShareReport, PlanError> {
    share_with(scenario, network, engine, &ShareParams::default(), progress)
}

/// [`share`] with explicit sampling parameters (used above [`MAX_EXACT`] carriers): the
/// coalition list, every run of it planned here, and the report assembled from the runs.
pub fn share_with(
    scenario: &Scenario,
    network: &Network,
    engine: &MatrixEngine,
    params: &ShareParams,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<ShareReport, PlanError> {
    let list = coalition_list(scenario, params)?;
    let ctx = ShareContext::new(scenario, network, engine, progress)?;
    let runs = plan_coalitions(&ctx, &list, &list.masks, progress, &|_, _| {});
    let runs = list
        .masks
        .iter()
        .zip(runs)
        .map(|(&m, r)| r.map(|r| (m, r)))
        .collect::<Result<BTreeMap<u64, CoalitionRun>, PlanError>>()?;
    assemble(&ctx, &list, &runs)
}

/// The runs of a share table as data: the coalitions to plan (so shards can split them), and
/// the sampled orders of the carriers when the Shapley values are estimated.
#[derive(Clone, Debug, PartialEq)]
pub struct CoalitionList {
    /// How many carriers.
    pub carriers: usize,
    /// The coalitions to plan, as bit masks of carrier indices, in increasing order: every one
    /// when exact, else every carrier alone and the prefixes of the sampled orders.
    pub masks: Vec<u64>,
    /// The sampled orders of the carriers (empty when exact).
    pub permutations: Vec<Vec<usize>>,
    /// Their seed.
    pub seed: u64,
}

impl CoalitionList {
    /// Exact Shapley values (every coalition planned)?
    pub fn exact(&self) -> bool {
        self.carriers <= MAX_EXACT
    }

    /// All carriers pooled.
    pub fn full(&self) -> u64 {
        if self.carriers == 64 {
            u64::MAX
        } else {
            (1u64 << self.carriers) - 1
        }
    }

    /// Does the report need this coalition's plan, not only its cost? (Every carrier alone: the
    /// separate plans; all carriers: the pooled plan.)
    pub fn keeps_plan(&self, mask: u64) -> bool {
        mask == self.full() || mask.count_ones() == 1
    }
}

/// The coalitions `share` plans for `scenario`: all 2^n - 1 up to [`MAX_EXACT`] carriers, else
/// every carrier alone and the prefixes of `params.permutations` sampled orders.
pub fn coalition_list(
    scenario: &Scenario,
    params: &ShareParams,
) -> Result<CoalitionList, PlanError> {
    let n = scenario.carriers.len();
    if n > MAX_CARRIERS {
        return Err(PlanError::TooManyCarriers {
            carriers: n,
            max: MAX_CARRIERS,
        });
    }
    let mut list = CoalitionList {
        carriers: n,
        masks: Vec::new(),
        permutations: Vec::new(),
        seed: params.seed,
    };
    list.masks = if list.exact() {
        (1..=list.full()).collect()
    } else {
        list.permutations = sample_permutations(n, params.permutations.max(1), params.seed);
        let mut set = coalitions_of(&list.permutations);
        set.extend((0..n).map(|i| 1u64 << i));
        set.into_iter().collect()
    };
    Ok(list)
}

/// What planning one coalition gives: all the report needs from it.
#[derive(Clone, Debug, PartialEq)]
pub struct CoalitionRun {
    /// The checker's cost of its plan, every penalty included (milli-cents).
    pub cost: i64,
    /// Its unserved orders as (carrier index, order index in the carrier).
    pub unserved: Vec<(usize, usize)>,
    /// The plan itself, for the coalitions whose plan the report shows
    /// ([`CoalitionList::keeps_plan`]); `None` for the others.
    pub solution: Option<Solution>,
}

/// What every coalition of a scenario shares: the validated scenario, its zone tags, and one
/// travel-matrix cache over all carriers' locations.
pub struct ShareContext<'a> {
    scenario: &'a Scenario,
    network: &'a Network,
    engine: &'a MatrixEngine,
    tags: ZoneTags,
    matrices: super::matrices::MatrixCache,
}

impl<'a> ShareContext<'a> {
    /// Validate `scenario` and compute the matrices over every carrier's locations.
    pub fn new(
        scenario: &'a Scenario,
        network: &'a Network,
        engine: &'a MatrixEngine,
        progress: &(dyn Fn(&str) + Sync),
    ) -> Result<ShareContext<'a>, PlanError> {
        scenario.validate()?;
        let tags = ZoneTags::new(&network.graph, &scenario.policy);
        progress("computing travel matrices over all carriers' locations");
        let everyone: Vec<usize> = (0..scenario.carriers.len()).collect();
        let matrices =
            super::matrices::MatrixCache::build(scenario, network, engine, &tags, &everyone)?;
        Ok(ShareContext {
            scenario,
            network,
            engine,
            tags,
            matrices,
        })
    }

    fn members(&self, mask: u64) -> Vec<usize> {
        (0..self.scenario.carriers.len())
            .filter(|i| mask >> i & 1 == 1)
            .collect()
    }

    /// Carrier ids of coalition `mask`.
    pub fn names(&self, mask: u64) -> Vec<String> {
        self.members(mask)
            .into_iter()
            .map(|i| self.scenario.carriers[i].id.clone())
            .collect()
    }
}

/// Plan the coalitions `masks` (a subset of `list.masks`, e.g. one shard's): as many at once as
/// the scenario has search threads, largest first, one search thread each, so under a time limit
/// every coalition gets a core to itself and results never depend on scheduling. `store` gets
/// each result (from any thread) as soon as it is ready. Returns the results in `masks` order.
pub fn plan_coalitions(
    ctx: &ShareContext,
    list: &CoalitionList,
    masks: &[u64],
    progress: &(dyn Fn(&str) + Sync),
    store: &(dyn Fn(u64, &Result<CoalitionRun, PlanError>) + Sync),
) -> Vec<Result<CoalitionRun, PlanError>> {
    progress(&format!(
        "planning {} of {} coalitions of {} carriers{}",
        masks.len(),
        list.masks.len(),
        list.carriers,
        if list.exact() {
            String::new()
        } else {
            format!(
                " ({} sampled orders of the carriers)",
                list.permutations.len()
            )
        }
    ));
    let workers = ctx.scenario.solver.threads.max(1).min(masks.len().max(1));
    let mut queue: Vec<usize> = (0..masks.len()).collect();
    queue.sort_by_key(|&k| (std::cmp::Reverse(masks[k].count_ones()), k));
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    type Slot = Mutex<Option<Result<CoalitionRun, PlanError>>>;
    let slots: Vec<Slot> = masks.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(&k) = queue.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let mask = masks[k];
                    let result = solve_pool(
                        ctx.scenario,
                        ctx.network,
                        ctx.engine,
                        &ctx.tags,
                        Some(&ctx.matrices),
                        &ctx.members(mask),
                        1,
                        &|_| {},
                        &super::Bookings::default(),
                    )
                    .map(|s| CoalitionRun {
                        cost: s.report.cost.0,
                        unserved: s
                            .solution
                            .unserved
                            .iter()
                            .map(|&o| s.pool.orders[o as usize])
                            .collect(),
                        solution: list.keeps_plan(mask).then_some(s.solution),
                    });
                    store(mask, &result);
                    if let Ok(mut slot) = slots[k].lock() {
                        *slot = Some(result);
                    }
                    progress(&format!(
                        "coalition {} planned ({}/{})",
                        ctx.names(mask).join("+"),
                        done.fetch_add(1, Ordering::Relaxed) + 1,
                        masks.len()
                    ));
                }
            });
        }
    });
    slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .ok()
                .flatten()
                .unwrap_or_else(|| Err(PlanError::Internal("a coalition was not planned".into())))
        })
        .collect()
}

/// The share report from the runs of every coalition of `list`: costs made subadditive, the
/// Shapley values (exact or sampled), the proportional shares and the core check; the separate
/// and pooled plans are rebuilt from their stored solutions and checked again, so a report
/// merged from shards equals one planned in one process.
pub fn assemble(
    ctx: &ShareContext,
    list: &CoalitionList,
    runs: &BTreeMap<u64, CoalitionRun>,
) -> Result<ShareReport, PlanError> {
    let scenario = ctx.scenario;
    let (network, tags) = (ctx.network, &ctx.tags);
    let n = list.carriers;
    let full = list.full();
    let missing: Vec<String> = list
        .masks
        .iter()
        .filter(|m| !runs.contains_key(m))
        .map(|&m| ctx.names(m).join("+"))
        .collect();
    if !missing.is_empty() {
        return Err(PlanError::Internal(format!(
            "coalitions not planned: {}",
            missing.join(", ")
        )));
    }
    // The plans the report shows, rebuilt from their solutions and checked.
    let mut pools: BTreeMap<u64, super::SolvedPool> = BTreeMap::new();
    for &m in list.masks.iter().filter(|&&m| list.keeps_plan(m)) {
        let solution = runs[&m].solution.clone().ok_or_else(|| {
            PlanError::Internal(format!(
                "coalition {} has no stored plan",
                ctx.names(m).join("+")
            ))
        })?;
        let pool = super::build_pool(
            scenario,
            network,
            ctx.engine,
            tags,
            Some(&ctx.matrices),
            &ctx.members(m),
            &super::Bookings::default(),
        )?;
        let report = crate::solver::check::check(&pool.problem, &solution);
        pools.insert(
            m,
            super::SolvedPool {
                pool,
                solution,
                report,
            },
        );
    }
    let name = |mask: u64| ctx.names(mask);
    // Orders no vehicle of any carrier can reach (a door on a road where vehicles may not stop,
    // no bay in reach) are unserved in every coalition that holds them, at the same penalty: the
    // game leaves them out (that only moves their carrier's value by a constant), and the plans
    // still report them.
    let nobody: BTreeSet<(usize, usize)> = pools
        .get(&full)
        .map(|s| {
            s.solution
                .unserved
                .iter()
                .filter(|&&o| s.unreachable(o))
                .map(|&o| s.pool.orders[o as usize])
                .collect()
        })
        .unwrap_or_default();
    let penalty = yuan(super::UNSERVED_PENALTY);
    let plan_cost: BTreeMap<u64, f64> = list
        .masks
        .iter()
        .map(|&m| {
            let run = &runs[&m];
            let excused = run.unserved.iter().filter(|u| nobody.contains(u)).count();
            (m, yuan(run.cost) - excused as f64 * penalty)
        })
        .collect();
    let v = subadditive(&plan_cost);
    let worse = plan_cost
        .iter()
        .filter(|&(m, &c)| v[m] < c - 0.005)
        .map(|(&m, _)| name(m).join("+"))
        .collect();
    let (phi, errors, method) = if list.exact() {
        let dense: Vec<f64> = (0..=full)
            .map(|m| v.get(&m).copied().unwrap_or(0.0))
            .collect();
        (
            shapley(n, &dense),
            vec![ShapleyError::default(); n],
            ShapleyMethod::Exact,
        )
    } else {
        let est = sampled_shapley(n, &list.permutations, &|m| {
            v.get(&m).copied().unwrap_or(0.0)
        });
        (
            est.values,
            est.errors,
            ShapleyMethod::Sampled {
                permutations: list.permutations.len(),
                seed: list.seed,
            },
        )
    };
    let standalone: Vec<f64> = (0..n).map(|i| v[&(1u64 << i)]).collect();
    let total_alone: f64 = standalone.iter().sum();
    let carriers = (0..n)
        .map(|i| CarrierShare {
            id: scenario.carriers[i].id.clone(),
            standalone_cost: standalone[i],
            shapley: phi[i],
            proportional: if total_alone > 0.0 {
                v[&full] * standalone[i] / total_alone
            } else {
                0.0
            },
            error: errors[i],
        })
        .collect();
    let coalitions = v
        .iter()
        .map(|(&m, &cost)| CoalitionCost {
            members: name(m),
            cost,
            pooled_plan_cost: plan_cost[&m],
        })
        .collect();
    let mut separate_routes = Vec::new();
    let mut separate_unserved = Vec::new();
    let mut violations = Vec::new();
    for i in 0..n {
        if let Some(s) = pools.get(&(1u64 << i)) {
            let (r, u, viol) = unpack(scenario, network, tags, s);
            separate_routes.extend(r);
            separate_unserved.extend(u);
            violations.extend(viol);
        }
    }
    let (pooled_routes, pooled_unserved, viol) = match pools.remove(&full) {
        Some(s) => unpack(scenario, network, tags, &s),
        None => Default::default(),
    };
    violations.extend(viol);
    let kpis = (
        Kpis::compute(scenario, &separate_routes, &separate_unserved),
        Kpis::compute(scenario, &pooled_routes, &pooled_unserved),
    );
    Ok(ShareReport {
        pooled_cost: v[&full],
        separate_cost: total_alone,
        core_ok: in_core_of(&v, &phi),
        method,
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

fn yuan(milli_cents: i64) -> f64 {
    milli_cents as f64 / super::MILLI_CENTS_PER_YUAN
}

/// Coalition costs made subadditive over the planned coalitions: by increasing size, each
/// coalition's cost is the lower of its own and the best split into two planned coalitions.
fn subadditive(plan_cost: &BTreeMap<u64, f64>) -> BTreeMap<u64, f64> {
    let mut order: Vec<u64> = plan_cost.keys().copied().collect();
    order.sort_by_key(|m| (m.count_ones(), *m));
    let mut v: BTreeMap<u64, f64> = BTreeMap::new();
    for (k, &mask) in order.iter().enumerate() {
        let mut best = plan_cost[&mask];
        for &sub in &order[..k] {
            if sub & !mask == 0 {
                if let (Some(a), Some(b)) = (v.get(&sub), v.get(&(mask & !sub))) {
                    if a + b < best - 1e-9 {
                        best = a + b;
                    }
                }
            }
        }
        v.insert(mask, best);
    }
    v
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

/// `count` random orders of `n` players from `seed` (deterministic).
pub fn sample_permutations(n: usize, count: usize, seed: u64) -> Vec<Vec<usize>> {
    let mut rng = Rng::new(seed, 0x5A4F);
    (0..count)
        .map(|_| {
            let mut p: Vec<usize> = (0..n).collect();
            rng.shuffle(&mut p);
            p
        })
        .collect()
}

/// The coalitions (bit masks) that appear as non-empty prefixes of the orders: the only costs
/// [`sampled_shapley`] reads.
pub fn coalitions_of(permutations: &[Vec<usize>]) -> BTreeSet<u64> {
    let mut set = BTreeSet::new();
    for p in permutations {
        let mut mask = 0u64;
        for &i in p {
            mask |= 1 << i;
            set.insert(mask);
        }
    }
    set
}

/// Permutation-sampling estimate of the Shapley values of the cost game `v` (`v(0)` is taken as
/// 0): each player's mean marginal cost over the orders, with its error (see the module docs).
/// The values sum to `v(all)` up to floating-point rounding, because every order's marginal
/// costs telescope to it.
pub fn sampled_shapley(
    n: usize,
    permutations: &[Vec<usize>],
    v: &dyn Fn(u64) -> f64,
) -> SampledShapley {
    let m = permutations.len().max(1) as f64;
    let mut sum = vec![0.0; n];
    let mut sum_sq = vec![0.0; n];
    let mut lowest = vec![0.0f64; n];
    for p in permutations {
        let (mut mask, mut before) = (0u64, 0.0);
        for &i in p {
            mask |= 1 << i;
            let after = v(mask);
            let marginal = after - before;
            sum[i] += marginal;
            sum_sq[i] += marginal * marginal;
            lowest[i] = lowest[i].min(marginal);
            before = after;
        }
    }
    // Hoeffding: P(|mean - phi| >= t) <= 2 exp(-2 m t^2 / R^2) = 5% at t = R sqrt(ln(40) / 2m).
    let hoeffding = (40f64.ln() / (2.0 * m)).sqrt();
    let values: Vec<f64> = sum.iter().map(|s| s / m).collect();
    let errors = (0..n)
        .map(|i| {
            let variance = if m > 1.0 {
                ((sum_sq[i] - sum[i] * sum[i] / m) / (m - 1.0)).max(0.0)
            } else {
                0.0
            };
            let se = (variance / m).sqrt();
            let range = v(1 << i) - lowest[i];
            ShapleyError {
                standard_error: se,
                half_width_95: 1.96 * se,
                hoeffding_95: range.max(0.0) * hoeffding,
            }
        })
        .collect();
    SampledShapley { values, errors }
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

/// [`in_core`] over the coalitions of `v` only.
fn in_core_of(v: &BTreeMap<u64, f64>, x: &[f64]) -> bool {
    v.iter().all(|(&s, &cost)| {
        (0..x.len())
            .filter(|&i| s >> i & 1 == 1)
            .map(|i| x[i])
            .sum::<f64>()
            <= cost + 0.01
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

    /// Check a sampled estimate against known values: within the stated Hoeffding bound, and
    /// summing to the grand coalition's cost.
    fn assert_within_bound(n: usize, v: &dyn Fn(u64) -> f64, known: &[f64], perms: usize) {
        let p = sample_permutations(n, perms, 7);
        let est = sampled_shapley(n, &p, v);
        let total = v((1u64 << n) - 1);
        assert!(
            (est.values.iter().sum::<f64>() - total).abs() < 1e-9,
            "sum {} vs {total}",
            est.values.iter().sum::<f64>()
        );
        for (i, &k) in known.iter().enumerate() {
            let e = est.errors[i];
            let off = (est.values[i] - k).abs();
            assert!(
                off <= e.hoeffding_95,
                "player {i}: estimate {} vs {} (off {off}, bound {})",
                est.values[i],
                k,
                e.hoeffding_95
            );
            assert!(e.half_width_95 <= e.hoeffding_95 + 1e-12);
        }
    }

    #[test]
    fn sampled_shapley_is_exact_on_an_additive_game() {
        // Twelve carriers whose costs simply add up: every marginal cost is the carrier's own.
        let own: Vec<f64> = (0..12).map(|i| 10.0 + 3.0 * i as f64).collect();
        let v = |m: u64| (0..12).filter(|i| m >> i & 1 == 1).map(|i| own[i]).sum();
        let est = sampled_shapley(12, &sample_permutations(12, 50, 1), &v);
        for (i, &o) in own.iter().enumerate() {
            assert!((est.values[i] - o).abs() < 1e-9);
            assert!(est.errors[i].standard_error < 1e-9);
        }
        assert_within_bound(12, &v, &own, 50);
    }

    #[test]
    fn sampled_shapley_on_a_symmetric_game_shares_equally_within_the_bound() {
        // Ten identical carriers, pooling k of them costs 10 sqrt(k): each pays 10 sqrt(10) / 10.
        let v = |m: u64| 10.0 * f64::from(m.count_ones()).sqrt();
        let known = vec![10f64.sqrt(); 10];
        assert_within_bound(10, &v, &known, 200);
    }

    #[test]
    fn sampled_shapley_matches_the_exact_values_of_a_general_game_within_the_bound() {
        // Ten carriers of different sizes with economies of scale and a fixed hub cost:
        // v(S) = 5 + sqrt(sum of sizes) * 8 for non-empty S. Exact values over all 1023 coalitions.
        let size: Vec<f64> = (0..10).map(|i| 1.0 + (i * i) as f64 / 4.0).collect();
        let v = |m: u64| {
            if m == 0 {
                0.0
            } else {
                let s: f64 = (0..10).filter(|i| m >> i & 1 == 1).map(|i| size[i]).sum();
                5.0 + 8.0 * s.sqrt()
            }
        };
        let dense: Vec<f64> = (0..1u64 << 10).map(v).collect();
        let exact = shapley(10, &dense);
        assert_within_bound(10, &v, &exact, 300);
        // The same seed gives the same estimate.
        let p = sample_permutations(10, 30, 3);
        assert_eq!(sampled_shapley(10, &p, &v), sampled_shapley(10, &p, &v));
        // Only prefix coalitions are read.
        let read = std::cell::RefCell::new(BTreeSet::new());
        sampled_shapley(10, &p, &|m| {
            read.borrow_mut().insert(m);
            v(m)
        });
        let prefixes = coalitions_of(&p);
        assert!(read
            .borrow()
            .iter()
            .all(|m| prefixes.contains(m) || m.count_ones() == 1));
    }

    #[test]
    fn subadditive_closure_uses_planned_splits_only() {
        // {0}, {1}, {0,1} planned; the pooled plan of {0,1} was dearer than the split.
        let planned = BTreeMap::from([(1u64, 4.0), (2, 5.0), (3, 10.0)]);
        let v = subadditive(&planned);
        assert_eq!(v[&3], 9.0);
        assert!(in_core_of(&v, &[4.0, 5.0]));
        assert!(!in_core_of(&v, &[4.5, 4.5 + 0.5]));
    }
}
