//! Room at sites (loading bays) during the search: the stays of every route, the test that a new
//! stop finds room, and the whole-plan test the annealing applies before accepting a candidate.
//!
//! Owns: [`Stay`], [`route_stays`], [`SiteBook`], [`plan_fits`], [`repair`] (both also keep
//! parcel lockers within capacity, through [`crate::solver::lockers`]). Must never: be used by the checker
//! ([`crate::solver::check`] has its own implementation). Invariants: a stay runs from the start of
//! service to the departure; consecutive stops of one route at the same site are one stay; a stay
//! that ends when another starts does not overlap it. Insertion tests (recreate's `site_allows`, with
//! [`SiteBook::has_room`]) judge the whole stay the new stop joins, its neighbours at the same
//! location included (later stops elsewhere may shift); [`plan_fits`] is exact and decides.

use crate::solver::lockers::{lockers_fit, over_full};
use crate::solver::measure::Time;
use crate::solver::model::{service_start, Problem};
use crate::solver::route_state::{simulate_plain, RouteState};
use crate::solver::search_state::SearchState;

/// A vehicle at a site from `start` to `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stay {
    /// Site index.
    pub site: u32,
    /// Route index within the plan under search.
    pub route: u32,
    /// Start of service at the first stop.
    pub start: Time,
    /// Departure after the last stop.
    pub end: Time,
}

/// Append the stays of `route` (number `index` in its plan) to `out`, following the route's
/// schedule with its reloads. Returns `false` when the route is infeasible.
pub fn route_stays(problem: &Problem, route: &RouteState, index: u32, out: &mut Vec<Stay>) -> bool {
    if !route
        .stops
        .iter()
        .any(|s| problem.site_at(s.location).is_some())
    {
        return true;
    }
    let vt = problem.vehicle_type(route.vehicle_type);
    let profile = problem.profile_of(route.vehicle_type);
    let mut reloads = Vec::new();
    // Reload positions from the plain schedule (charging stops of battery routes are not timed
    // here; the checker times them exactly).
    if simulate_plain(
        problem,
        route.vehicle_type,
        route.stops.iter().copied(),
        Some(&mut reloads),
    )
    .is_none()
    {
        return false;
    }
    let mut next_reload = reloads.iter().peekable();
    let (mut at, mut ready) = (vt.start, vt.shift.open);
    let first = out.len();
    for (i, s) in route.stops.iter().enumerate() {
        let mut reloaded = false;
        while let Some(&&(pos, depot)) = next_reload.peek() {
            if pos != i {
                break;
            }
            ready = profile.arrival(at, depot, ready) + vt.reload_time;
            at = depot;
            reloaded = true;
            next_reload.next();
        }
        let arrival = profile.arrival(at, s.location, ready);
        let Some(start) = service_start(problem.windows(s.order, s.alternative), arrival) else {
            return false;
        };
        let order = problem.order(s.order);
        ready = start + order.alternatives[s.alternative as usize].service;
        if let Some(site) = problem.site_at(s.location) {
            match out[first..].last_mut() {
                Some(last) if last.site == site && at == s.location && !reloaded => {
                    last.end = ready
                }
                _ => out.push(Stay {
                    site,
                    route: index,
                    start,
                    end: ready,
                }),
            }
        }
        at = s.location;
    }
    true
}

/// True when every stay of the plan keeps its site's dwell limit and room, and no parcel locker
/// holds more than its capacity ([`crate::solver::lockers`]). `scratch` is reused.
pub fn plan_fits(problem: &Problem, routes: &[RouteState], scratch: &mut Vec<Stay>) -> bool {
    (problem.sites().is_empty() || first_misfit(problem, routes, scratch).is_none())
        && lockers_fit(problem, routes)
}

/// Make a plan fit its sites and lockers: while a stay breaks a dwell limit or finds no room, take
/// the orders of that stay out of their route; while a locker is over-full, take out the last
/// order served there (by route, then position). They become unassigned; the search inserts
/// them again.
pub fn repair(problem: &Problem, state: &mut SearchState) {
    while let Some(k) = over_full(problem, &state.routes) {
        let hit = state
            .routes
            .iter()
            .enumerate()
            .rev()
            .find_map(|(r, route)| {
                route
                    .stops
                    .iter()
                    .rposition(|s| problem.locker_at(s.location) == Some(k))
                    .map(|p| (r, p))
            });
        let Some((r, p)) = hit else { break };
        let stop = state.routes[r].stops.remove(p);
        state.routes[r].update(problem);
        state.where_of[stop.order as usize] = None;
        state.unassigned.push(stop.order);
        state.compact();
    }
    if problem.sites().is_empty() {
        return;
    }
    let mut stays = Vec::new();
    while let Some(bad) = first_misfit(problem, &state.routes, &mut stays) {
        let route = &mut state.routes[bad.route as usize];
        let mut removed = Vec::new();
        // The route's stops at that site go (every stop when the route itself is infeasible).
        route.stops.retain(|s| {
            let hit = bad.site == u32::MAX || problem.site_at(s.location) == Some(bad.site);
            if hit {
                removed.push(s.order);
            }
            !hit
        });
        route.update(problem);
        for o in removed {
            state.where_of[o as usize] = None;
            state.unassigned.push(o);
        }
    }
    state.compact();
}

/// The first stay (by site and time) that breaks a rule, or a stay standing for an infeasible
/// route.
fn first_misfit(problem: &Problem, routes: &[RouteState], scratch: &mut Vec<Stay>) -> Option<Stay> {
    scratch.clear();
    for (r, route) in routes.iter().enumerate() {
        if !route_stays(problem, route, r as u32, scratch) {
            return Some(Stay {
                site: u32::MAX,
                route: r as u32,
                start: Time::MIN,
                end: Time::MIN,
            });
        }
    }
    for s in scratch.iter() {
        let vt = routes[s.route as usize].vehicle_type;
        if s.end - s.start > problem.sites()[s.site as usize].max_dwell(vt) {
            return Some(*s);
        }
    }
    for (site, st) in problem.sites().iter().enumerate() {
        for &(start, end) in &st.booked {
            scratch.push(Stay {
                site: site as u32,
                route: u32::MAX,
                start,
                end,
            });
        }
    }
    scratch.sort_unstable_by_key(|s| (s.site, s.start, s.end));
    let mut open: Vec<Time> = Vec::new();
    for group in scratch.chunk_by(|a, b| a.site == b.site) {
        let capacity = problem.sites()[group[0].site as usize].capacity as usize;
        open.clear();
        for s in group {
            open.retain(|&e| e > s.start);
            open.push(s.end);
            if open.len() > capacity {
                if s.route != u32::MAX {
                    return Some(*s);
                }
                // A booked stay tipped the count: blame a route stay still open.
                if let Some(r) = group
                    .iter()
                    .find(|o| o.route != u32::MAX && o.start <= s.start && o.end > s.start)
                {
                    return Some(*r);
                }
            }
        }
    }
    None
}

/// The stays of a plan under construction, by site, for insertion tests.
#[derive(Clone, Debug, Default)]
pub struct SiteBook {
    by_site: Vec<Vec<Stay>>,
    scratch: Vec<Stay>,
}

impl SiteBook {
    /// Fill the book from `routes`.
    pub fn fill(&mut self, problem: &Problem, routes: &[RouteState]) {
        self.by_site.resize(problem.sites().len(), Vec::new());
        self.by_site.iter_mut().for_each(Vec::clear);
        for r in 0..routes.len() {
            self.add_route(problem, routes, r);
        }
    }

    /// Re-read route `r` after it changed.
    pub fn refresh(&mut self, problem: &Problem, routes: &[RouteState], r: usize) {
        for stays in &mut self.by_site {
            stays.retain(|s| s.route != r as u32);
        }
        self.add_route(problem, routes, r);
    }

    fn add_route(&mut self, problem: &Problem, routes: &[RouteState], r: usize) {
        self.scratch.clear();
        route_stays(problem, &routes[r], r as u32, &mut self.scratch);
        for s in &self.scratch {
            self.by_site[s.site as usize].push(*s);
        }
    }

    /// True when a vehicle of route `route` finds room at `site` from `start` to `end`: fewer other
    /// routes than the site's room stay there during that time.
    pub fn has_room(
        &self,
        problem: &Problem,
        site: u32,
        route: u32,
        start: Time,
        end: Time,
    ) -> bool {
        let st = &problem.sites()[site as usize];
        let capacity = st.capacity as usize;
        let mut others = st
            .booked
            .iter()
            .filter(|&&(s, e)| s < end && start < e)
            .count();
        let mut last = u32::MAX;
        for s in &self.by_site[site as usize] {
            if s.route != route && s.route != last && s.start < end && start < s.end {
                others += 1;
                last = s.route;
            }
        }
        others < capacity
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::measure::{Cost, Distance, Duration, Load};
    use crate::solver::model::{Alternative, Order, Site, TimeWindow, VehicleType};
    use crate::solver::route_state::Stop;
    use crate::solver::travel::{Matrix, Profile};

    /// Depot 0, a bay at 1; two orders served from the bay with 10 minutes of service.
    fn bay_problem(capacity: u32) -> Problem {
        let d = Matrix::from_fn(2, |i, j| Distance(if i == j { 0 } else { 100 }));
        let t = Matrix::from_fn(2, |i, j| Duration(if i == j { 0 } else { 60 }));
        let order = |id: &str| Order {
            id: id.into(),
            alternatives: vec![Alternative {
                location: 1,
                service: Duration(600),
            }],
            demand: Load([1, 0, 0]),
            pickup: Load::ZERO,
            windows: vec![TimeWindow::ALWAYS],
            penalty: None,
        };
        let vt = VehicleType {
            name: "van".into(),
            capacity: Load([10, 10, 10]),
            start: 0,
            end: 0,
            shift: TimeWindow {
                open: Time(0),
                close: Time(10_000),
            },
            max_duration: Duration::MAX,
            max_distance: Distance::MAX,
            fixed_cost: Cost(0),
            cost_per_distance: 1,
            cost_per_duration: 0,
            count: 2,
            profile: 0,
            reload_depots: vec![],
            reload_time: Duration(0),
            battery: None,
        };
        Problem::new(
            vec!["depot".into(), "bay".into()],
            vec![Profile::constant("p", d, t)],
            vec![order("a"), order("b")],
            vec![vt],
        )
        .and_then(|p| {
            p.with_sites(vec![Site {
                name: "bay".into(),
                location: 1,
                aliases: vec![],
                capacity,
                windows: vec![TimeWindow::ALWAYS],
                max_dwell: vec![Duration(900)],
                booked: vec![],
            }])
        })
        .expect("valid problem")
    }

    fn route(problem: &Problem, orders: &[u32]) -> RouteState {
        let mut r = RouteState::new(problem, 0);
        for &o in orders {
            r.stops.push(Stop {
                order: o,
                alternative: 0,
                location: 1,
            });
        }
        r.update(problem);
        r
    }

    #[test]
    fn two_vehicles_at_once_need_room_for_two() {
        let mut scratch = Vec::new();
        let (one, two) = (bay_problem(1), bay_problem(2));
        let apart = |p: &Problem| [route(p, &[0]), route(p, &[1])];
        assert!(!plan_fits(&one, &apart(&one), &mut scratch));
        assert!(plan_fits(&two, &apart(&two), &mut scratch));
    }

    #[test]
    fn consecutive_stops_are_one_stay_under_the_dwell_limit() {
        let p = bay_problem(1);
        let mut stays = Vec::new();
        assert!(route_stays(&p, &route(&p, &[0, 1]), 0, &mut stays));
        assert_eq!(stays.len(), 1);
        assert_eq!(stays[0].end - stays[0].start, Duration(1200));
        // 20 minutes at a bay that allows 15.
        assert!(!plan_fits(&p, &[route(&p, &[0, 1])], &mut Vec::new()));
    }

    /// Both orders must start within the first 100 s: two vehicles at once, or one vehicle that
    /// would stay 20 minutes.
    fn tight(capacity: u32) -> Problem {
        let p = bay_problem(capacity);
        let mut orders = p.orders().to_vec();
        for o in &mut orders {
            o.windows = vec![TimeWindow {
                open: Time(0),
                close: Time(100),
            }];
            o.penalty = Some(Cost(1_000_000));
        }
        Problem::new(
            p.locations().to_vec(),
            p.profiles().to_vec(),
            orders,
            p.vehicle_types().to_vec(),
        )
        .and_then(|q| q.with_sites(p.sites().to_vec()))
        .expect("valid problem")
    }

    #[test]
    fn solver_keeps_room_and_dwell_and_checker_agrees() {
        use crate::solver::check::check;
        use crate::solver::solve::{solve, SolveParams, StopCriterion};
        let stop = StopCriterion {
            max_iterations: Some(2_000),
            time_limit: None,
            max_no_improvement: None,
        };
        let params = SolveParams {
            threads: 1,
            seed: 7,
            search: crate::solver::sisr::SearchParams::for_size(2),
        };
        for (capacity, served) in [(1, 1), (2, 2)] {
            let p = tight(capacity);
            let out = solve(&p, &stop, &params, &|_| {}).expect("solves");
            let report = check(&p, &out.solution);
            assert!(report.feasible(), "{:?}", report.violations);
            assert_eq!(
                2 - out.solution.unserved.len(),
                served,
                "room for {capacity}"
            );
        }
    }

    #[test]
    fn checker_reports_room_dwell_and_hours() {
        use crate::solver::check::{check, Violation};
        use crate::solver::solution::{Route, Solution, Visit};
        let p = tight(1);
        let visit = |order| Visit::Order {
            order,
            alternative: 0,
        };
        let two_vans = Solution {
            routes: vec![
                Route {
                    vehicle_type: 0,
                    visits: vec![visit(0)],
                },
                Route {
                    vehicle_type: 0,
                    visits: vec![visit(1)],
                },
            ],
            unserved: vec![],
        };
        let v = check(&p, &two_vans).violations;
        assert!(
            v.iter()
                .any(|v| matches!(v, Violation::SiteCapacity { .. })),
            "{v:?}"
        );
        let one_van = Solution {
            routes: vec![Route {
                vehicle_type: 0,
                visits: vec![visit(0), visit(1)],
            }],
            unserved: vec![],
        };
        let v = check(&bay_problem(1), &one_van).violations;
        assert!(
            v.iter().any(|v| matches!(v, Violation::Dwell { .. })),
            "{v:?}"
        );
        let mut sites = p.sites().to_vec();
        sites[0].windows = vec![TimeWindow {
            open: Time(0),
            close: Time(300),
        }];
        let base = bay_problem(1);
        let closing = Problem::new(
            base.locations().to_vec(),
            base.profiles().to_vec(),
            base.orders().to_vec(),
            base.vehicle_types().to_vec(),
        )
        .and_then(|q| q.with_sites(sites))
        .expect("valid problem");
        let late = Solution {
            routes: vec![Route {
                vehicle_type: 0,
                visits: vec![visit(0)],
            }],
            unserved: vec![1],
        };
        // Ten minutes of service from 60 s do not end by the bay's closing at 300 s.
        let v = check(&closing, &late).violations;
        assert!(
            v.iter()
                .any(|v| matches!(v, Violation::TimeWindow { order: 0, .. })),
            "{v:?}"
        );
    }

    /// One van; depot 0, a bay at 1 (15 minutes at most), doors at 2 and 3. Each order may be
    /// served at its door (10 minutes) or from the bay (10 minutes with the walk). Serving both
    /// from the bay in one stay would take 20 minutes, so one of them must go to its door.
    fn bay_or_door() -> Problem {
        let pts = [(0i64, 0i64), (100, 0), (100, 30), (100, -30)];
        let d = Matrix::from_fn(4, |i, j| {
            let (a, b) = (pts[i], pts[j]);
            Distance((a.0 - b.0).abs() + (a.1 - b.1).abs())
        });
        let t = Matrix::from_fn(4, |i, j| Duration(d.get(i as u32, j as u32).0));
        let order = |id: &str, door: u32| Order {
            id: id.into(),
            alternatives: vec![
                Alternative {
                    location: door,
                    service: Duration(600),
                },
                Alternative {
                    location: 1,
                    service: Duration(600),
                },
            ],
            demand: Load([1, 0, 0]),
            pickup: Load::ZERO,
            windows: vec![TimeWindow::ALWAYS],
            penalty: None,
        };
        let mut vt = bay_problem(1).vehicle_types()[0].clone();
        vt.count = 1;
        Problem::new(
            (0..4).map(|i| format!("n{i}")).collect(),
            vec![Profile::constant("p", d, t)],
            vec![order("a", 2), order("b", 3)],
            vec![vt],
        )
        .and_then(|p| {
            p.with_sites(vec![Site {
                name: "bay".into(),
                location: 1,
                aliases: vec![],
                capacity: 1,
                windows: vec![TimeWindow::ALWAYS],
                max_dwell: vec![Duration(900)],
                booked: vec![],
            }])
        })
        .expect("valid problem")
    }

    #[test]
    fn consecutive_stops_at_a_bay_are_judged_as_one_stay_during_the_search() {
        use crate::solver::check::check;
        use crate::solver::solve::{solve, SolveParams, StopCriterion};
        let p = bay_or_door();
        let out = solve(
            &p,
            &StopCriterion {
                max_iterations: Some(200),
                time_limit: None,
                max_no_improvement: None,
            },
            &SolveParams {
                threads: 1,
                seed: 3,
                search: crate::solver::sisr::SearchParams::for_size(2),
            },
            &|_| {},
        )
        .expect("solves");
        let report = check(&p, &out.solution);
        assert!(report.feasible(), "{:?}", report.violations);
        assert_eq!(out.solution.unserved, Vec::<u32>::new());
        // One from the bay (200 m there and back), the other at its door next to it (+60 m).
        assert_eq!(report.distance, Distance(260));
    }

    #[test]
    fn book_sees_other_routes_only() {
        let p = bay_problem(1);
        let routes = [route(&p, &[0])];
        let mut book = SiteBook::default();
        book.fill(&p, &routes);
        assert!(!book.has_room(&p, 0, 1, Time(100), Time(700)));
        assert!(book.has_room(&p, 0, 0, Time(100), Time(700)));
        assert!(book.has_room(&p, 0, 1, Time(660), Time(1260)));
    }

    #[test]
    fn local_search_keeps_a_move_only_when_the_bay_still_fits() {
        use crate::solver::neighbours::Neighbours;
        use crate::solver::search_state::SearchState;
        use crate::solver::solution::{Route, Solution, Visit};
        // Two vans, one order each at the bay: one van serving both saves a round trip (200 m)
        // but would stay 20 minutes where 15 are allowed, so local search must undo that move.
        let p = bay_problem(2);
        let one = |order| Route {
            vehicle_type: 0,
            visits: vec![Visit::Order {
                order,
                alternative: 0,
            }],
        };
        let solution = Solution {
            routes: vec![one(0), one(1)],
            unserved: vec![],
        };
        let mut state = SearchState::from_solution(&p, &solution);
        assert!(plan_fits(&p, &state.routes, &mut Vec::new()));
        let before = state.objective(&p).cost;
        let moves = crate::solver::local_search::improve(
            &p,
            &mut state,
            &Neighbours::new(&p, 5),
            5,
            5,
            true,
        );
        assert_eq!(moves, 0);
        assert_eq!(state.routes.len(), 2);
        assert_eq!(state.objective(&p).cost, before);
        // With a longer dwell limit the same move is kept.
        let mut sites = p.sites().to_vec();
        sites[0].max_dwell = vec![Duration(1_500)];
        let q = Problem::new(
            p.locations().to_vec(),
            p.profiles().to_vec(),
            p.orders().to_vec(),
            p.vehicle_types().to_vec(),
        )
        .and_then(|q| q.with_sites(sites))
        .unwrap();
        let mut state = SearchState::from_solution(&q, &solution);
        let moves = crate::solver::local_search::improve(
            &q,
            &mut state,
            &Neighbours::new(&q, 5),
            5,
            5,
            true,
        );
        assert_eq!((moves, state.routes.len()), (1, 1));
        assert!(plan_fits(&q, &state.routes, &mut Vec::new()));
    }
}
