//! The evaluation layer: where each constraint of a route is checked during the search. Time
//! windows, shift, duration, distance, load and reloads in [`route_state`] (O(1) insertion checks
//! and the simulated path), load profiles with pickups as [`load`] segments; battery charge and charging stops in [`charging`]; room, hours and
//! dwell at loading bays in [`sites`]; the cumulative capacity of parcel lockers in `lockers`; zone fees in [`fees`]; shipments kept whole and in order in `pairs`; the timetable of a finished route in
//! [`schedule`]. The independent checker ([`super::check`]) shares none of this code.

pub(crate) mod charging;
pub mod fees;
pub mod load;
pub(crate) mod lockers;
pub(crate) mod pairs;
pub mod route_state;
pub mod schedule;
pub(crate) mod sites;
