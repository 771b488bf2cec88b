//! The parallel solve driver: `threads` independent SISR workers seeded from `(seed, i)`, run in
//! epochs of a fixed iteration count; after each epoch every worker restarts from the best state
//! (ties broken by the lowest worker index), after polishing it by local search when it improved.
//! Under the vehicles-first objective the first `fleet_share` of the budget is fleet minimisation
//! (each worker repeatedly drops a route and re-inserts its orders, see
//! [`Worker::step_fleet`]; workers restart only when one of them served everything with fewer
//! routes), and the cost search that follows never opens more routes than the best plan has.
//!
//! Owns: [`solve`], [`solve_until`], [`StopCriterion`], [`StopFlag`], [`SolveParams`],
//! [`SolveOutcome`], [`Progress`] (errors: [`Error`]). Must never:
//! print (progress goes through the caller's callback), or let thread scheduling influence a
//! decision. Invariant: with an iteration limit (and no time limit) the result depends only on the
//! problem, the seed, the thread count and the parameters. A time limit is checked between epochs,
//! before every iteration inside one and before each order a local search (start descent, polish,
//! intensification) tries, so time-limited runs are not reproducible; so is a
//! [`StopFlag`] ([`solve_until`]), which a run never raised leaves without effect.

use crate::solver::error::Error;
use crate::solver::local_search::improve_around;
use crate::solver::model::Problem;
use crate::solver::neighbours::Neighbours;
use crate::solver::recreate::{recreate, RecreateScratch};
use crate::solver::rng::Rng;
use crate::solver::search_state::{Objective, SearchState};
use crate::solver::sisr::{temperature, SearchParams, Worker};
use crate::solver::sites::repair;
use crate::solver::solution::Solution;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A flag another thread raises to stop searches early (a cancelled job): a search polls it
/// before every iteration and between epochs, and returns its best plan so far. Clones share the
/// flag; the default is a flag nobody can raise. Two flags are equal when they are the same flag.
#[derive(Clone, Debug, Default)]
pub struct StopFlag(Option<Arc<AtomicBool>>);

impl StopFlag {
    /// A flag that can be raised (unlike the default).
    pub fn raisable() -> Self {
        Self(Some(Arc::new(AtomicBool::new(false))))
    }

    /// Stop every search polling this flag (and its clones).
    pub fn raise(&self) {
        if let Some(f) = &self.0 {
            f.store(true, Ordering::Relaxed);
        }
    }

    /// True once raised.
    pub fn is_raised(&self) -> bool {
        self.0.as_ref().is_some_and(|f| f.load(Ordering::Relaxed))
    }
}

impl PartialEq for StopFlag {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// When to stop (the first criterion met wins; at least one should be set).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StopCriterion {
    /// Iterations per worker.
    pub max_iterations: Option<u64>,
    /// Wall-clock limit.
    pub time_limit: Option<Duration>,
    /// Stop after this many iterations per worker without a new global best.
    pub max_no_improvement: Option<u64>,
}

/// Parameters of [`solve`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SolveParams {
    /// Worker threads (at least 1).
    pub threads: usize,
    /// Seed.
    pub seed: u64,
    /// Search parameters.
    pub search: SearchParams,
}

/// A progress report, given after every epoch and, inside an epoch, each time another tenth of the
/// budget is used (so a long search on a large plan reports too).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    /// Fraction of the budget used, in `[0, 1]`.
    pub fraction: f64,
    /// Best objective so far.
    pub best: Objective,
    /// Iterations per worker so far.
    pub iterations: u64,
    /// Orders the best plan leaves unserved (required or optional).
    pub unserved: usize,
}

/// What [`solve`] returns.
#[derive(Clone, Debug)]
pub struct SolveOutcome {
    /// The best plan found.
    pub solution: Solution,
    /// Its objective (as the search evaluated it).
    pub objective: Objective,
    /// Iterations summed over workers.
    pub iterations: u64,
    /// Wall-clock time.
    pub elapsed: Duration,
    /// The search stopped because its [`StopFlag`] was raised.
    pub cancelled: bool,
}

/// Solve `problem`. `progress` is called after every epoch and at every tenth of the budget.
pub fn solve(
    problem: &Problem,
    stop: &StopCriterion,
    params: &SolveParams,
    progress: &(dyn Fn(&Progress) + Sync),
) -> Result<SolveOutcome, Error> {
    solve_until(problem, stop, params, progress, &StopFlag::default())
}

/// [`solve`], stopping early (with the best plan so far) once `flag` is raised.
pub fn solve_until(
    problem: &Problem,
    stop: &StopCriterion,
    params: &SolveParams,
    progress: &(dyn Fn(&Progress) + Sync),
    flag: &StopFlag,
) -> Result<SolveOutcome, Error> {
    if stop.max_iterations.is_none()
        && stop.time_limit.is_none()
        && stop.max_no_improvement.is_none()
    {
        return Err(Error::NoStop);
    }
    let started = Instant::now();
    let threads = params.threads.max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|source| Error::ThreadPool { threads, source })?;
    let search = params.search;
    let neighbours = Neighbours::new(problem, 100);
    let mut start = SearchState::empty(problem);
    let mut init_rng = Rng::new(params.seed, 0);
    let mut scratch = RecreateScratch::new(problem);
    let mut init_params = search.recreate;
    init_params.blink_rate = 0.0;
    recreate(
        problem,
        &mut start,
        &neighbours,
        &init_params,
        &mut init_rng,
        &mut scratch,
    );
    repair(problem, &mut start);
    // Local search outside the workers (the start descent, the polish) ends with the budget.
    let out_of_time =
        || flag.is_raised() || stop.time_limit.is_some_and(|t| started.elapsed() >= t);
    if search.start_neighbours > 0 {
        // The insertion start leaves much for a descent to take, most on large instances.
        improve_around(
            problem,
            &mut start,
            &neighbours,
            (search.start_neighbours, 50, search.swap_star),
            None,
            &out_of_time,
        );
    }
    let vehicles_first = search.vehicles_first;
    let start_obj = start.objective_for(problem, vehicles_first);
    let served = (problem.orders().len() - start.unassigned.len()).max(1);
    let unit = (start_obj.cost.0 as f64 / served as f64).max(1.0);
    let (t0, t1) = (
        search.temperature_start * unit,
        search.temperature_end * unit,
    );
    let mut workers: Vec<Worker> = (0..threads)
        .map(|i| {
            Worker::new(
                problem,
                &start,
                Rng::new(params.seed, i as u64 + 1),
                vehicles_first,
            )
        })
        .collect();
    let mut best = start;
    let mut best_obj = start_obj;
    let mut done = 0u64;
    let mut last_improvement = 0u64;
    let fraction = |done: u64, now: Instant| -> f64 {
        let by_iter = stop
            .max_iterations
            .map_or(0.0, |m| done as f64 / m.max(1) as f64);
        let by_time = stop.time_limit.map_or(0.0, |t| {
            now.duration_since(started).as_secs_f64() / t.as_secs_f64().max(1e-9)
        });
        by_iter.max(by_time).min(1.0)
    };
    let share = if vehicles_first {
        search.fleet_share.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mut fleet_phase = share > 0.0;
    // Best objective any worker has seen, for progress inside an epoch only (never read by a
    // decision), and the next tenth of the budget to report.
    let seen = std::sync::Mutex::new((best_obj, best.unassigned.len()));
    let next_tenth = std::sync::atomic::AtomicU64::new(1);
    // Progress at which the best plan last lost a vehicle.
    let mut fleet_drop = 0.0f64;
    loop {
        let mut epoch = search.epoch_iterations.max(1);
        if let Some(m) = stop.max_iterations {
            epoch = epoch.min(m - done);
        }
        if let (true, Some(m)) = (fleet_phase, stop.max_iterations) {
            let switch = (share * m as f64) as u64;
            if switch > done {
                epoch = epoch.min(switch - done);
            }
        }
        let epoch_start = done;
        let fleet_epoch = fleet_phase;
        pool.install(|| {
            workers.par_iter_mut().enumerate().for_each(|(index, w)| {
                let mut last_drop = fleet_drop;
                for k in 0..epoch {
                    if flag.is_raised() {
                        break;
                    }
                    let f = if stop.time_limit.is_some() {
                        let f = fraction(epoch_start + k, Instant::now());
                        if f >= 1.0 {
                            break;
                        }
                        f
                    } else {
                        fraction(epoch_start + k, started)
                    };
                    let tenth = next_tenth.load(std::sync::atomic::Ordering::Relaxed);
                    if index == 0 && tenth < 10 && f >= tenth as f64 / 10.0 {
                        next_tenth.store(tenth + 1, std::sync::atomic::Ordering::Relaxed);
                        let (best, unserved) = *seen.lock().unwrap_or_else(|e| e.into_inner());
                        progress(&Progress {
                            fraction: f,
                            best,
                            iterations: epoch_start + k,
                            unserved,
                        });
                    }
                    let before = w.best_obj;
                    if fleet_epoch {
                        if f >= share || f - last_drop >= search.fleet_patience {
                            break; // the cost search starts at the next epoch
                        }
                        let before = w.best_obj.vehicles;
                        w.step_fleet(problem, &neighbours, &search);
                        if w.best_obj.vehicles < before {
                            last_drop = f;
                        }
                    } else {
                        let f = ((f - share) / (1.0 - share).max(1e-9)).clamp(0.0, 1.0);
                        w.step(
                            problem,
                            &neighbours,
                            &search,
                            temperature(t0, t1, f),
                            &out_of_time,
                        );
                    }
                    if w.best_obj < before {
                        let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
                        if w.best_obj < seen.0 {
                            *seen = (w.best_obj, w.best.unassigned.len());
                        }
                    }
                }
            })
        });
        done += epoch;
        let (bi, _) = workers
            .iter()
            .enumerate()
            .min_by_key(|(i, w)| (w.best_obj, *i))
            .expect("at least one worker");
        let vehicles_before = best_obj.vehicles;
        let improved = workers[bi].best_obj < best_obj;
        if improved {
            best_obj = workers[bi].best_obj;
            best.clone_from(&workers[bi].best);
            last_improvement = done;
            if search.polish_neighbours > 0 {
                // Local search keeps the plan inside its loading bays (no repair needed).
                improve_around(
                    problem,
                    &mut best,
                    &neighbours,
                    (search.polish_neighbours, 10, search.swap_star),
                    None,
                    &out_of_time,
                );
                best_obj = best.objective_for(problem, vehicles_first);
            }
        }
        let now = Instant::now();
        let f = fraction(done, now);
        progress(&Progress {
            fraction: f,
            best: best_obj,
            iterations: done,
            unserved: best.unassigned.len(),
        });
        let out_of_iterations = stop.max_iterations.is_some_and(|m| done >= m);
        let out_of_time = stop
            .time_limit
            .is_some_and(|t| now.duration_since(started) >= t);
        let stalled = stop
            .max_no_improvement
            .is_some_and(|m| done - last_improvement >= m);
        if out_of_iterations || out_of_time || stalled || flag.is_raised() {
            break;
        }
        if fleet_phase && improved && best_obj.vehicles < vehicles_before {
            fleet_drop = f;
        }
        if fleet_phase && (f >= share || f - fleet_drop >= search.fleet_patience) {
            fleet_phase = false;
        }
        if fleet_phase && !improved {
            continue; // each worker keeps working on its own attempt
        }
        if vehicles_first && !fleet_phase {
            best.max_routes = best.routes.len() as u32;
        }
        for w in &mut workers {
            w.restart(&best, best_obj);
        }
    }
    Ok(SolveOutcome {
        solution: best.to_solution(problem),
        objective: best_obj,
        iterations: workers.iter().map(|w| w.iterations).sum(),
        elapsed: started.elapsed(),
        cancelled: flag.is_raised(),
    })
}
