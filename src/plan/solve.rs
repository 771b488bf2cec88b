//! Solving a pool: the search budget and progress reports, then the independent checker's
//! verdict on the best plan. Owns [`SolvedPool`]. A raised `scenario.solver.stop` flag ends it
//! with [`PlanError::Cancelled`] (before building, or as soon as the search notices).

use super::*;

/// A solved pool: the problem, the best plan found and the checker's verdict on it.
pub(crate) struct SolvedPool {
    pub(crate) pool: Pool,
    pub(crate) solution: crate::solver::solution::Solution,
    pub(crate) report: crate::solver::check::CheckReport,
}

impl SolvedPool {
    /// True when no vehicle type of the pool can reach any location of order `o` (its door, or
    /// a bay in walking distance): unserved whatever the search does.
    pub(crate) fn unreachable(&self, o: u32) -> bool {
        let pool = &self.pool;
        let at_door = pool
            .specs
            .iter()
            .any(|s| s.snaps[pool.first_order + o as usize].is_some());
        let anywhere = pool.problem.orders()[o as usize]
            .alternatives
            .iter()
            .any(|a| {
                pool.specs
                    .iter()
                    .any(|s| s.snaps[a.location as usize].is_some())
            });
        !(at_door || anywhere)
    }
}

/// Build and solve the problem of `members` with `threads` search threads.
#[allow(clippy::too_many_arguments)]
pub(crate) fn solve_pool(
    scenario: &Scenario,
    network: &Network,
    engine: &MatrixEngine,
    tags: &ZoneTags,
    cache: Option<&MatrixCache>,
    members: &[usize],
    threads: usize,
    progress: &(dyn Fn(&str) + Sync),
    booked: &Bookings,
) -> Result<SolvedPool, PlanError> {
    if scenario.solver.stop.is_raised() {
        return Err(PlanError::Cancelled { iterations: 0 });
    }
    let pool = build_pool(scenario, network, engine, tags, cache, members, booked)?;
    progress(&format!(
        "{}: problem built ({} orders, {} locations), searching",
        pool_label(scenario, members),
        pool.problem.orders().len(),
        pool.problem.locations().len()
    ));
    let stop = StopCriterion {
        max_iterations: scenario.solver.iterations,
        time_limit: scenario
            .solver
            .time_limit_s
            .map(std::time::Duration::from_secs_f64),
        max_no_improvement: None,
    };
    let local_search = scenario.solver.local_search();
    let params = SolveParams {
        threads,
        seed: scenario.solver.seed,
        search: SearchParams {
            polish_neighbours: local_search,
            intensify_neighbours: local_search,
            start_neighbours: local_search,
            swap_star: scenario.solver.swap_star,
            ..SearchParams::for_size(pool.problem.orders().len())
        },
    };
    // Unserved orders are optional at a penalty in the solver; the routes' cost is the rest.
    let routes_yuan = |cost: Cost, unserved: usize| {
        (cost.0 - unserved as i64 * UNSERVED_PENALTY) as f64 / MILLI_CENTS_PER_YUAN
    };
    // A long search reports each tenth of its budget (short ones, as in the demo, stay quiet).
    let search_started = std::time::Instant::now();
    let report = |p: &Progress| {
        if p.fraction < 1.0 && search_started.elapsed() >= std::time::Duration::from_secs(3) {
            progress(&format!(
                "{}: {:.0}% of the search, best routes cost {:.2} yuan, {} orders unserved",
                pool_label(scenario, members),
                p.fraction * 100.0,
                routes_yuan(p.best.cost, p.unserved),
                p.unserved
            ));
        }
    };
    let outcome = solve_until(
        &pool.problem,
        &stop,
        &params,
        &report,
        &scenario.solver.stop,
    )
    .map_err(|source| PlanError::Solver {
        carrier: pool_label(scenario, members),
        source,
    })?;
    if outcome.cancelled {
        return Err(PlanError::Cancelled {
            iterations: outcome.iterations,
        });
    }
    let unserved = outcome.solution.unserved.len();
    progress(&format!(
        "{}: {} iterations in {:.1} s, routes cost {:.2} yuan, {} orders unserved",
        pool_label(scenario, members),
        outcome.iterations,
        outcome.elapsed.as_secs_f64(),
        routes_yuan(outcome.objective.cost, unserved),
        unserved
    ));
    let report = check(&pool.problem, &outcome.solution);
    Ok(SolvedPool {
        pool,
        solution: outcome.solution,
        report,
    })
}
