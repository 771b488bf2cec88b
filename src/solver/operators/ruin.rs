//! The ruin operator of SISR (Christiaens & Vanden Berghe 2020): remove a few strings (runs of
//! consecutive orders) from routes near a random seed order, to induce slack.
//!
//! Owns: [`ruin`] and [`RuinParams`]. Must never: insert orders, touch more than one string per
//! route, or split a shipment (removing one order of a pickup-and-delivery pair removes its
//! partner too, wherever it is). Invariant on return: the state is compacted (no empty route) and
//! every removed order is appended to `unassigned`.
//!
//! Choices where the paper leaves freedom: the split-string variant keeps `m` orders in the middle of
//! a string of `l + m`, with `m = 1` grown by one with probability `split_depth` each step.

use crate::solver::model::Problem;
use crate::solver::neighbours::Neighbours;
use crate::solver::rng::Rng;
use crate::solver::search_state::SearchState;

/// SISR ruin parameters (paper defaults in [`RuinParams::default`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RuinParams {
    /// Average number of removed orders (c-bar).
    pub avg_removed: f64,
    /// Maximum string length (L-max).
    pub max_string: f64,
    /// Probability of the split-string variant.
    pub split_rate: f64,
    /// Probability of growing the preserved part of a split string.
    pub split_depth: f64,
}

impl Default for RuinParams {
    fn default() -> Self {
        Self {
            avg_removed: 10.0,
            max_string: 10.0,
            split_rate: 0.5,
            split_depth: 0.01,
        }
    }
}

/// Remove strings around a random seed order. `ruined` is scratch space.
pub fn ruin(
    problem: &Problem,
    state: &mut SearchState,
    neighbours: &Neighbours,
    params: &RuinParams,
    rng: &mut Rng,
    ruined: &mut Vec<bool>,
) {
    let n_orders = problem.orders().len();
    if state.routes.is_empty() || n_orders == 0 {
        return;
    }
    let ls_max = params.max_string.min(state.mean_route_len());
    let ks_max = 4.0 * params.avg_removed / (1.0 + ls_max) - 1.0;
    let ks = (1.0 + rng.f64() * ks_max.max(0.0)).floor() as usize;
    // A seed in a route (orders nobody can serve stay unassigned for good; a few draws suffice).
    let mut seed = rng.below(n_orders) as u32;
    for _ in 0..16 {
        if state.where_of[seed as usize].is_some() {
            break;
        }
        seed = rng.below(n_orders) as u32;
    }
    ruined.clear();
    ruined.resize(state.routes.len(), false);
    let mut done = 0;
    for &c in std::iter::once(&seed).chain(neighbours.of(seed)) {
        if done >= ks {
            break;
        }
        let Some((r, p)) = state.where_of[c as usize] else {
            continue;
        };
        let (r, p) = (r as usize, p as usize);
        if ruined[r] {
            continue;
        }
        let t = state.routes[r].len();
        let l_max = ls_max.min(t as f64);
        let l = ((1.0 + rng.f64() * l_max).floor() as usize).clamp(1, t);
        let split = l < t && rng.f64() < params.split_rate;
        let (len, keep) = if split {
            let mut m = 1;
            while l + m < t && rng.f64() < params.split_depth {
                m += 1;
            }
            (l + m, m)
        } else {
            (l, 0)
        };
        let lo = (p + 1).saturating_sub(len);
        let hi = p.min(t - len);
        let start = lo + rng.below(hi - lo + 1);
        let keep_at = if keep > 0 {
            start + rng.below(len - keep + 1)
        } else {
            usize::MAX
        };
        let route = &mut state.routes[r];
        let mut removed_here = Vec::with_capacity(len);
        let mut i = 0;
        route.stops.retain(|s| {
            let pos = i;
            i += 1;
            let in_string = pos >= start && pos < start + len;
            let kept = pos >= keep_at && pos < keep_at + keep;
            if in_string && !kept {
                removed_here.push(s.order);
                false
            } else {
                true
            }
        });
        if problem.has_pairs() {
            // A shipment leaves whole: the partners of removed orders go too (from this route,
            // where they are, or from any other a loaded plan put them in).
            let partners: Vec<u32> = removed_here
                .iter()
                .filter_map(|&o| problem.pair(o).map(|p| p.partner))
                .filter(|p| !removed_here.contains(p))
                .collect();
            for p in partners {
                let Some((pr, _)) = state.where_of[p as usize] else {
                    continue;
                };
                let pr = pr as usize;
                let other = &mut state.routes[pr];
                if let Some(k) = other.stops.iter().position(|s| s.order == p) {
                    other.stops.remove(k);
                    removed_here.push(p);
                    if pr != r {
                        other.update(problem);
                        state.index_route(pr);
                    }
                }
            }
        }
        let route = &mut state.routes[r];
        route.update(problem);
        for o in removed_here {
            state.where_of[o as usize] = None;
            state.unassigned.push(o);
        }
        ruined[r] = true;
        done += 1;
    }
    state.compact();
}
