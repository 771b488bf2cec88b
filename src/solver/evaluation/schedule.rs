//! The timetable of a finished route, timed exactly as the search prices it.
//!
//! Owns: [`schedule`], [`RouteSchedule`], [`VisitTimes`], [`solution_stays`]. Must never: be used
//! by the independent checker ([`crate::solver::check`] keeps its own timing). Invariants: the
//! vehicle leaves its start depot at the latest moment that still reaches the first visit at the
//! service start it has when leaving at the shift opening ([`super::route_state::departure`]: the
//! departure the route's duration cost and limit are measured from), so it never idles at its first
//! stop; every later visit starts as early as its windows allow; each leg departs as
//! [`super::travel::Profile::drive`] decides (at once, or at a faster band's start, waiting where the
//! vehicle is); charges start when they can end inside the station's hours.

use crate::solver::charging::charge_start;
use crate::solver::measure::Time;
use crate::solver::model::{service_start, Problem};
use crate::solver::route_state::departure;
use crate::solver::sites::Stay;
use crate::solver::solution::{Route, Solution, Visit};

/// Arrival, start of service and departure at one visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VisitTimes {
    /// Arrival at the visit's location.
    pub arrival: Time,
    /// Start of service (after any wait for a window).
    pub start: Time,
    /// Departure (service, reload or charge done).
    pub departure: Time,
}

/// One route's timetable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteSchedule {
    /// Departure from the start depot.
    pub departure: Time,
    /// Per visit of the route, in order.
    pub visits: Vec<VisitTimes>,
    /// Arrival at the end depot.
    pub end: Time,
}

/// The location of a visit.
pub fn place(problem: &Problem, visit: &Visit) -> u32 {
    match *visit {
        Visit::Order { order, alternative } => {
            problem.order(order).alternatives[alternative as usize].location
        }
        Visit::Reload { depot } => depot,
        Visit::Charge { station, .. } => problem.stations()[station as usize].location,
    }
}

/// Time `route` (made for `problem`) as the search prices it (module invariants). A visit whose
/// windows have all closed starts at its arrival: the checker reports such a route; the timetable
/// still shows where the vehicle would be.
pub fn schedule(problem: &Problem, route: &Route) -> RouteSchedule {
    let vt = problem.vehicle_type(route.vehicle_type);
    let profile = problem.profile_of(route.vehicle_type);
    let mut at = vt.start;
    let mut ready = vt.shift.open;
    let mut visits = Vec::with_capacity(route.visits.len());
    for visit in &route.visits {
        let location = place(problem, visit);
        let arrival = profile.arrival(at, location, ready);
        let (start, departure) = match *visit {
            Visit::Order { order, alternative } => {
                let start =
                    service_start(problem.windows(order, alternative), arrival).unwrap_or(arrival);
                let service = problem.order(order).alternatives[alternative as usize].service;
                (start, start + service)
            }
            Visit::Reload { .. } => (arrival, arrival + vt.reload_time),
            Visit::Charge { station, energy } => {
                let st = &problem.stations()[station as usize];
                let duration = st.rate.time_for(energy);
                let start = charge_start(&st.windows, arrival, duration).unwrap_or(arrival);
                (start, start + duration)
            }
        };
        visits.push(VisitTimes {
            arrival,
            start,
            departure,
        });
        ready = departure;
        at = location;
    }
    let end = profile.arrival(at, vt.end, ready);
    let first = route
        .visits
        .first()
        .zip(visits.first())
        .map(|(v, t)| (place(problem, v), t.start));
    let leave = departure(vt, profile, first);
    if let (Some((location, _)), Some(t)) = (first, visits.first_mut()) {
        t.arrival = profile.arrival(vt.start, location, leave);
    }
    RouteSchedule {
        departure: leave,
        visits,
        end,
    }
}

/// The stays that `solution`'s routes make at the problem's sites (loading bays), from their
/// timetables: a vehicle occupies a site from the start of service to its departure, and
/// consecutive visits at one site are one stay. No search state is built.
pub fn solution_stays(problem: &Problem, solution: &Solution) -> Vec<Stay> {
    let mut stays: Vec<Stay> = Vec::new();
    for (r, route) in solution.routes.iter().enumerate() {
        let times = schedule(problem, route);
        // The previous visit's location, when it was at a site.
        let mut previous: Option<u32> = None;
        for (visit, t) in route.visits.iter().zip(&times.visits) {
            let location = place(problem, visit);
            let site = match visit {
                Visit::Order { .. } => problem.site_at(location),
                Visit::Reload { .. } | Visit::Charge { .. } => None,
            };
            match site {
                Some(_) if previous == Some(location) => {
                    if let Some(last) = stays.last_mut() {
                        last.end = t.departure;
                    }
                }
                Some(s) => stays.push(Stay {
                    site: s,
                    route: r as u32,
                    start: t.start,
                    end: t.departure,
                }),
                None => {}
            }
            previous = site.map(|_| location);
        }
    }
    stays
}
