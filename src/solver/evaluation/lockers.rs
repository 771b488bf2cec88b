//! Parcel lockers and pickup points during the search: how much of each locker the plan under
//! search uses, the test that one more order fits, and the whole-plan test the annealing applies
//! with the bays' before accepting a candidate.
//!
//! Owns: [`LockerBook`], [`lockers_fit`], [`over_full`]. Must never: be used by the checker
//! ([`crate::solver::check`] counts lockers in its own code). Invariants: a locker's use is the sum
//! of [`crate::solver::model::LockerUse::amount`] over the orders served there plus its booking,
//! whatever the routes' order or timing (a cumulative capacity: a parcel stays in its
//! compartment all day); local search moves keep every order's alternative, so only recreate
//! changes the use, and its insertion test ([`LockerBook::fits`]) is exact.

use crate::solver::measure::Load;
use crate::solver::model::Problem;
use crate::solver::route_state::{RouteState, Stop};

/// Use of every locker by a plan under construction.
#[derive(Clone, Debug, Default)]
pub struct LockerBook {
    used: Vec<Load>,
}

impl LockerBook {
    /// Fill the book from `routes` (bookings of other problems included).
    pub fn fill(&mut self, problem: &Problem, routes: &[RouteState]) {
        self.used.clear();
        self.used.extend(problem.lockers().iter().map(|l| l.booked));
        for stop in routes.iter().flat_map(|r| r.stops.iter()) {
            self.take(problem, *stop);
        }
    }

    /// True when `stop` (a new placement) finds room at its locker, or is not at one.
    #[inline]
    pub fn fits(&self, problem: &Problem, stop: Stop) -> bool {
        let Some(k) = problem.locker_at(stop.location) else {
            return true;
        };
        let Some(u) = problem.locker_use(stop.order, stop.alternative) else {
            return false;
        };
        let (used, cap) = (
            self.used[k as usize],
            problem.lockers()[k as usize].capacity,
        );
        (0..3).all(|d| used.0[d] + u.amount.0[d] <= cap.0[d])
    }

    /// Record that `stop` was placed.
    #[inline]
    pub fn take(&mut self, problem: &Problem, stop: Stop) {
        if let (Some(k), Some(u)) = (
            problem.locker_at(stop.location),
            problem.locker_use(stop.order, stop.alternative),
        ) {
            self.used[k as usize] += u.amount;
        }
    }
}

/// The first locker (index) the plan fills beyond its capacity, if any.
pub fn over_full(problem: &Problem, routes: &[RouteState]) -> Option<u32> {
    if problem.lockers().is_empty() {
        return None;
    }
    let mut book = LockerBook::default();
    book.fill(problem, routes);
    book.used
        .iter()
        .zip(problem.lockers())
        .position(|(u, l)| (0..3).any(|d| u.0[d] > l.capacity.0[d]))
        .map(|k| k as u32)
}

/// True when no locker holds more than its capacity.
pub fn lockers_fit(problem: &Problem, routes: &[RouteState]) -> bool {
    over_full(problem, routes).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::check::{check, Violation};
    use crate::solver::measure::{Cost, Distance, Duration, Time};
    use crate::solver::model::{Alternative, Locker, LockerUse, Order, TimeWindow, VehicleType};
    use crate::solver::solution::{Route, Solution, Visit};
    use crate::solver::travel::{Matrix, Profile};

    /// Depot 0, doors 1..=3 a kilometre out in different directions, a locker at 4 next to the
    /// depot holding `capacity` parcels; each order has one parcel, served at its door or the
    /// locker (cost 10 per order there).
    fn locker_problem(capacity: i64) -> Problem {
        let d = Matrix::from_fn(5, |i, j| {
            Distance(match (i, j) {
                _ if i == j => 0,
                (0, 4) | (4, 0) => 100,
                (0, _) | (_, 0) | (4, _) | (_, 4) => 1_000,
                _ => 2_000,
            })
        });
        let t = Matrix::from_fn(5, |i, j| Duration(d.get(i as u32, j as u32).0 / 10));
        let orders = (1..=3u32)
            .map(|i| Order {
                id: format!("o{i}"),
                alternatives: vec![
                    Alternative {
                        location: i,
                        service: Duration(60),
                    },
                    Alternative {
                        location: 4,
                        service: Duration(30),
                    },
                ],
                demand: Load([1, 0, 1]),
                pickup: Load::ZERO,
                windows: vec![TimeWindow::ALWAYS],
                penalty: Some(Cost(1_000_000)),
            })
            .collect();
        let vt = VehicleType {
            name: "van".into(),
            capacity: Load([10, 10, 10]),
            start: 0,
            end: 0,
            shift: TimeWindow {
                open: Time(0),
                close: Time(100_000),
            },
            max_duration: Duration::MAX,
            max_distance: Distance::MAX,
            fixed_cost: Cost(0),
            cost_per_distance: 1,
            cost_per_duration: 0,
            count: 3,
            profile: 0,
            reload_depots: vec![],
            reload_time: Duration(0),
            battery: None,
        };
        let uses = (0..3)
            .map(|o| LockerUse {
                order: o,
                alternative: 1,
                amount: Load([1, 0, 0]),
                cost: Cost(10),
            })
            .collect();
        Problem::new(
            (0..5).map(|i| format!("l{i}")).collect(),
            vec![Profile::constant("p", d, t)],
            orders,
            vec![vt],
        )
        .and_then(|p| {
            p.with_lockers(
                vec![Locker {
                    name: "locker".into(),
                    location: 4,
                    aliases: vec![],
                    capacity: Load([capacity, capacity, capacity]),
                    booked: Load::ZERO,
                    windows: vec![TimeWindow::ALWAYS],
                }],
                uses,
            )
        })
        .expect("valid problem")
    }

    fn solve(p: &Problem) -> Solution {
        use crate::solver::solve::{solve, SolveParams, StopCriterion};
        let stop = StopCriterion {
            max_iterations: Some(2_000),
            time_limit: None,
            max_no_improvement: None,
        };
        let params = SolveParams {
            threads: 1,
            seed: 3,
            search: crate::solver::sisr::SearchParams::for_size(3),
        };
        solve(p, &stop, &params, &|_| {}).expect("solves").solution
    }

    fn at_locker(s: &Solution) -> usize {
        s.routes
            .iter()
            .flat_map(|r| &r.visits)
            .filter(|v| matches!(v, Visit::Order { alternative: 1, .. }))
            .count()
    }

    #[test]
    fn solver_fills_a_locker_to_its_capacity_and_no_further() {
        for (capacity, expected) in [(0, 0), (2, 2), (5, 3)] {
            let p = locker_problem(capacity);
            let s = solve(&p);
            let report = check(&p, &s);
            assert!(report.feasible(), "{:?}", report.violations);
            assert!(s.unserved.is_empty());
            assert_eq!(at_locker(&s), expected, "capacity {capacity}");
            // The route's distance cost plus 10 per order served at the locker.
            assert_eq!(
                report.cost,
                Cost(report.distance.0 + 10 * expected as i64),
                "capacity {capacity}: {s:?}"
            );
        }
    }

    #[test]
    fn checker_rejects_an_over_full_locker_and_counts_bookings() {
        let all_at_locker = Solution {
            routes: vec![Route {
                vehicle_type: 0,
                visits: (0..3)
                    .map(|order| Visit::Order {
                        order,
                        alternative: 1,
                    })
                    .collect(),
            }],
            unserved: vec![],
        };
        let v = check(&locker_problem(2), &all_at_locker).violations;
        assert!(
            v.iter().any(|v| matches!(
                v,
                Violation::LockerCapacity { locker: 0, held, .. } if held.0[0] == 3
            )),
            "{v:?}"
        );
        assert!(check(&locker_problem(3), &all_at_locker).feasible());
        // Two parcels booked by another carrier leave room for one.
        let p = locker_problem(3);
        let mut lockers = p.lockers().to_vec();
        lockers[0].booked = Load([2, 2, 2]);
        let uses = (0..3).filter_map(|o| p.locker_use(o, 1).copied()).collect();
        let booked = Problem::new(
            p.locations().to_vec(),
            p.profiles().to_vec(),
            p.orders().to_vec(),
            p.vehicle_types().to_vec(),
        )
        .and_then(|q| q.with_lockers(lockers, uses))
        .unwrap();
        assert!(!check(&booked, &all_at_locker).feasible());
        let s = solve(&booked);
        assert!(check(&booked, &s).feasible());
        assert_eq!(at_locker(&s), 1);
    }

    #[test]
    fn locker_hours_narrow_service_and_the_checker_agrees() {
        let p = locker_problem(3);
        let mut lockers = p.lockers().to_vec();
        // Open 0-35 s only: 30 s of service must start by 5 s, but the locker is 10 s away.
        lockers[0].windows = vec![TimeWindow {
            open: Time(0),
            close: Time(35),
        }];
        let uses = (0..3).filter_map(|o| p.locker_use(o, 1).copied()).collect();
        let q = Problem::new(
            p.locations().to_vec(),
            p.profiles().to_vec(),
            p.orders().to_vec(),
            p.vehicle_types().to_vec(),
        )
        .and_then(|q| q.with_lockers(lockers, uses))
        .unwrap();
        let s = solve(&q);
        assert!(check(&q, &s).feasible());
        assert_eq!(at_locker(&s), 0, "{s:?}");
        assert_eq!(at_locker(&solve(&p)), 3);
        let one = Solution {
            routes: vec![Route {
                vehicle_type: 0,
                visits: vec![Visit::Order {
                    order: 0,
                    alternative: 1,
                }],
            }],
            unserved: vec![1, 2],
        };
        let v = check(&q, &one).violations;
        assert!(
            v.iter()
                .any(|v| matches!(v, Violation::TimeWindow { order: 0, .. })),
            "{v:?}"
        );
    }

    #[test]
    fn validation_names_every_bad_locker_and_use() {
        let p = locker_problem(1);
        let bad = Problem::new(
            p.locations().to_vec(),
            p.profiles().to_vec(),
            p.orders().to_vec(),
            p.vehicle_types().to_vec(),
        )
        .and_then(|q| {
            q.with_lockers(
                vec![Locker {
                    name: "x".into(),
                    location: 9,
                    aliases: vec![],
                    capacity: Load([-1, 0, 0]),
                    booked: Load::ZERO,
                    windows: vec![],
                }],
                vec![LockerUse {
                    order: 0,
                    alternative: 5,
                    amount: Load::ZERO,
                    cost: Cost(0),
                }],
            )
        })
        .unwrap_err();
        let crate::solver::Error::Invalid(issues) = bad else {
            panic!("{bad}")
        };
        assert_eq!(issues.len(), 4, "{issues:?}");
    }
}
