//! Building one solver problem from a pool of carriers: locations (depots, doors, bays within
//! walking distance, charging stations), one routing profile per class and permit with its hour
//! bands sliced from the matrix cache, vehicle types (batteries, reloads, fixed and time costs),
//! orders with their door, bay and parcel locker alternatives (a receiver who accepts only a
//! locker has locker alternatives only), bay sites and lockers booked around earlier pools, and
//! zone fees per vehicle type. Owns [`Pool`]; never solves or routes legs.

use super::*;

/// One routing profile of a carrier: a class and a permit.
pub(crate) struct ProfileSpec {
    pub(crate) class: ClassId,
    pub(crate) permit: Option<usize>,
    /// The carrier whose vehicles use it, when pooling (their view of others' unshared orders).
    pub(crate) owner: Option<usize>,
    /// Snapped locations (`None`: not on a road this class may use).
    pub(crate) snaps: Vec<Option<Snap>>,
    /// Band starts within the plan day (s) and the metric index of each.
    pub(crate) bands: Vec<(u32, usize)>,
    /// Metric per distinct index.
    pub(crate) metrics: BTreeMap<usize, Metric>,
}

/// One way a door can be served from a bay: the bay (scenario index), the walk (m, every loop
/// there and back) and its time (s).
fn bay_options(
    scenario: &Scenario,
    order: &crate::scenario::DeliveryOrder,
) -> Vec<(usize, f64, i64)> {
    let stop = &scenario.stopping;
    let loops = order.weight_g.div_ceil(stop.carry_g).max(1);
    if loops > stop.max_loops {
        return Vec::new();
    }
    scenario
        .bays
        .iter()
        .enumerate()
        .filter_map(|(b, bay)| {
            let straight = crate::geometry::haversine_m(order.lon_lat, bay.lon_lat);
            (straight <= bay.radius_m).then(|| {
                let walk = f64::from(loops) * 2.0 * straight * stop.walk_detour;
                (b, walk, (walk / stop.walk_m_s).ceil() as i64)
            })
        })
        .collect()
}

pub(crate) fn build_pool(
    scenario: &Scenario,
    network: &Network,
    engine: &MatrixEngine,
    tags: &ZoneTags,
    cache: Option<&MatrixCache>,
    members: &[usize],
    booked: &Bookings,
) -> Result<Pool, PlanError> {
    // Matrices over the members' locations, unless a cache over more carriers has them.
    let own;
    let cache = match cache {
        Some(c) if c.covers(members) => c,
        _ => {
            own = MatrixCache::build(scenario, network, engine, tags, members)?;
            &own
        }
    };
    // Locations: the members' depots (location k is member k's depot), then their orders.
    let mut points: Vec<[f64; 2]> = members
        .iter()
        .map(|&c| scenario.carriers[c].depot)
        .collect();
    let mut names: Vec<String> = members
        .iter()
        .map(|&c| format!("{} depot", scenario.carriers[c].id))
        .collect();
    let mut order_refs = Vec::new();
    for &c in members {
        for (o, order) in scenario.carriers[c].orders.iter().enumerate() {
            points.push(order.lon_lat);
            names.push(format!("{}/{}", scenario.carriers[c].id, order.id));
            order_refs.push((c, o));
        }
    }
    let first_order = members.len();
    // Pooled, each carrier's vehicles get their own profile when some member keeps orders to
    // itself: those orders are unreachable in the other carriers' profiles.
    let per_owner = members.len() > 1
        && members
            .iter()
            .any(|&c| scenario.carriers[c].orders.iter().any(|o| !o.shareable));
    // Then the bays within walking distance of some order.
    let options: Vec<Vec<(usize, f64, i64)>> = order_refs
        .iter()
        .map(|&(c, o)| bay_options(scenario, &scenario.carriers[c].orders[o]))
        .collect();
    let mut bays: Vec<usize> = options.iter().flatten().map(|o| o.0).collect();
    bays.sort_unstable();
    bays.dedup();
    // A bay location per bay, plus, when pooling, one per bay and carrier with unshared orders
    // there (only that carrier's vehicles reach it; both are the same site).
    let owner_of = |l: usize| {
        let (c, o) = order_refs[l];
        (per_owner && !scenario.carriers[c].orders[o].shareable).then_some(c)
    };
    let mut bay_locations: Vec<(usize, Option<usize>)> = bays.iter().map(|&b| (b, None)).collect();
    for (l, opts) in options.iter().enumerate() {
        if let Some(c) = owner_of(l) {
            bay_locations.extend(opts.iter().map(|o| (o.0, Some(c))));
        }
    }
    bay_locations[bays.len()..].sort_unstable();
    let mut tail = bay_locations.split_off(bays.len());
    tail.dedup();
    bay_locations.extend(tail);
    let first_bay = points.len();
    for &(b, owner) in &bay_locations {
        points.push(scenario.bays[b].lon_lat);
        names.push(match owner {
            None => format!("bay {}", scenario.bays[b].id),
            Some(c) => format!(
                "bay {} ({} only)",
                scenario.bays[b].id, scenario.carriers[c].id
            ),
        });
    }
    // Then the charging stations (battery vehicles only).
    let first_station = points.len();
    for st in &scenario.stations {
        points.push(st.lon_lat);
        names.push(format!("charger {}", st.id));
    }
    // Then the parcel lockers and pickup points in reach of some order whose receiver accepts
    // one: a location per locker, plus, when pooling, one per locker and carrier with unshared
    // orders there (as for bays; both are the same solver locker).
    let locker_options: Vec<Vec<usize>> = order_refs
        .iter()
        .map(|&(c, o)| {
            let carrier = &scenario.carriers[c];
            scenario.lockers.in_reach(&carrier.id, &carrier.orders[o])
        })
        .collect();
    let mut lockers: Vec<usize> = locker_options.iter().flatten().copied().collect();
    lockers.sort_unstable();
    lockers.dedup();
    let mut locker_locations: Vec<(usize, Option<usize>)> =
        lockers.iter().map(|&k| (k, None)).collect();
    for (l, opts) in locker_options.iter().enumerate() {
        if let Some(c) = owner_of(l) {
            locker_locations.extend(opts.iter().map(|&k| (k, Some(c))));
        }
    }
    let mut tail = locker_locations.split_off(lockers.len());
    tail.sort_unstable();
    tail.dedup();
    locker_locations.extend(tail);
    let first_locker = points.len();
    for &(k, owner) in &locker_locations {
        let locker = &scenario.lockers.list[k];
        points.push(locker.lon_lat);
        names.push(match owner {
            None => format!("{} {}", locker.kind.name(), locker.id),
            Some(c) => format!(
                "{} {} ({} only)",
                locker.kind.name(),
                locker.id,
                scenario.carriers[c].id
            ),
        });
    }
    let no_stop: Vec<&str> = scenario
        .stopping
        .no_stop_roads
        .iter()
        .map(String::as_str)
        .collect();
    let day_start = u32::from(scenario.day) * crate::time::DAY;
    let mut specs: Vec<ProfileSpec> = Vec::new();
    let mut profiles = Vec::new();
    let mut vehicle_types = Vec::new();
    let mut vehicle_refs = Vec::new();
    for (k, &c) in members.iter().enumerate() {
        let carrier = &scenario.carriers[c];
        for (f, entry) in carrier.fleet.iter().enumerate() {
            let class_id = ClassId(entry.class as u8);
            let owner = if per_owner { Some(c) } else { None };
            let profile = match specs
                .iter()
                .position(|s| s.class == class_id && s.permit == entry.permit && s.owner == owner)
            {
                Some(p) => p,
                None => {
                    let cached = cache
                        .profile(class_id, entry.permit)
                        .ok_or_else(|| missing_profile(scenario, entry))?;
                    // Pool location to cached location; `None` where this profile may not go.
                    let global: Vec<Option<usize>> = (0..points.len())
                        .map(|l| {
                            if l < first_order {
                                return cache.depot(members[l]);
                            }
                            if l >= first_locker {
                                let (k, only) = locker_locations[l - first_locker];
                                let barred = only.is_some_and(|o| o != c);
                                return (!barred).then(|| cache.locker(k)).flatten();
                            }
                            if l >= first_station {
                                let battery =
                                    scenario.classes[entry.class].energy == Energy::BatteryElectric;
                                return battery.then(|| cache.station(l - first_station)).flatten();
                            }
                            if l >= first_bay {
                                let (b, only) = bay_locations[l - first_bay];
                                let barred = only.is_some_and(|o| o != c)
                                    || !scenario.bays[b]
                                        .admits(entry.class, &scenario.classes[entry.class]);
                                return (!barred).then(|| cache.bay(b)).flatten();
                            }
                            let (oc, oo) = order_refs[l - first_order];
                            let foreign = oc != c && !scenario.carriers[oc].orders[oo].shareable;
                            // No stopping on the roads the city reserves for traffic: those doors
                            // are served from bays.
                            let barred = cache
                                .order(oc, oo)
                                .and_then(|g| cached.snaps[g])
                                .is_some_and(|snap| {
                                    no_stop.contains(
                                        &network.graph.road_way(snap.road).road_class.name(),
                                    )
                                });
                            (!foreign && !barred).then(|| cache.order(oc, oo)).flatten()
                        })
                        .collect();
                    let snaps: Vec<Option<Snap>> = global
                        .iter()
                        .map(|g| g.and_then(|g| cached.snaps[g]))
                        .collect();
                    let bands = cached.bands.clone();
                    let metrics = cached.metrics.clone();
                    let n = points.len();
                    let matrices: BTreeMap<usize, (Matrix<Duration>, Matrix<Distance>)> = cached
                        .matrices
                        .iter()
                        .map(|(&m, tm)| {
                            let get = |i: usize, j: usize| match (global[i], global[j]) {
                                (Some(a), Some(b)) => tm.get(a, b),
                                _ => None,
                            };
                            let durations = par_matrix(n, |i, j| {
                                get(i, j).map_or(Duration::MAX, |c| {
                                    Duration(c.time_ms.div_ceil(1000) as i64)
                                })
                            });
                            let distances = par_matrix(n, |i, j| {
                                get(i, j).map_or(Distance(NO_PATH_M), |c| {
                                    Distance((c.dist_cm as i64 + 50) / 100)
                                })
                            });
                            (m, (durations, distances))
                        })
                        .collect();
                    // The solver keeps one distance matrix per profile (durations are per band): per
                    // pair, the distance of the band in force at 10:00 when the pair is reachable
                    // then, otherwise of the first band in which it is.
                    let ten = bands
                        .iter()
                        .rev()
                        .find(|(s, _)| *s <= 10 * 3600)
                        .map_or(bands[0].1, |b| b.1);
                    let mut order: Vec<&Matrix<Distance>> = Vec::new();
                    for m in std::iter::once(ten).chain(bands.iter().map(|b| b.1)) {
                        if !order.iter().any(|d| std::ptr::eq(*d, &matrices[&m].1)) {
                            order.push(&matrices[&m].1);
                        }
                    }
                    let distances = match order.as_slice() {
                        [only] => (*only).clone(),
                        _ => par_matrix(n, |i, j| {
                            order
                                .iter()
                                .map(|d| d.get(i as u32, j as u32))
                                .find(|d| d.0 < NO_PATH_M)
                                .unwrap_or(Distance(NO_PATH_M))
                        }),
                    };
                    let solver_bands = bands
                        .iter()
                        .enumerate()
                        .map(|(k, &(start, m))| Band {
                            start: if k == 0 {
                                Time::MIN
                            } else {
                                Time(i64::from(start))
                            },
                            durations: matrices[&m].0.clone(),
                        })
                        .collect();
                    let class = &scenario.classes[entry.class];
                    let permit = entry
                        .permit
                        .map(|p| format!("+{}", scenario.policy.permits[p].id))
                        .unwrap_or_default();
                    profiles.push(Profile {
                        name: format!("{}{permit}", class.id),
                        distances,
                        bands: solver_bands,
                    });
                    specs.push(ProfileSpec {
                        class: class_id,
                        permit: entry.permit,
                        owner,
                        snaps,
                        bands,
                        metrics,
                    });
                    specs.len() - 1
                }
            };
            let class = &scenario.classes[entry.class];
            let permit_fee = entry
                .permit
                .map_or(0, |p| scenario.policy.permits[p].fee_cents);
            // Battery vehicles: charge (Wh) falls with distance at `use_per_km` (more when
            // `range_factor` < 1), stays above the reserve, and is topped up just enough at the
            // scenario's charging stations.
            let battery = match (class.energy, class.battery_wh) {
                (Energy::BatteryElectric, Some(wh)) if class.use_per_km > 0 => Some(
                    Battery::new(
                        SolverEnergy(i64::from(wh)),
                        Consumption {
                            energy: SolverEnergy(i64::from(class.use_per_km)),
                            per: Distance(
                                (1000.0 * scenario.factors.range_factor).round().max(1.0) as i64,
                            ),
                        },
                    )
                    .with_reserve(SolverEnergy(
                        (f64::from(wh) * scenario.factors.battery_reserve).round() as i64,
                    ))
                    // E-tricycles run on the battery they leave with (their reloads at the depot
                    // are for parcels); vans and trucks may stop at any charging station.
                    .with_stations(if class.category == Category::ETricycle {
                        Vec::new()
                    } else {
                        (0..scenario.stations.len() as u32).collect()
                    })
                    .with_policy(ChargePolicy::Partial),
                ),
                _ => None,
            };
            let tricycle = class.category == Category::ETricycle;
            vehicle_types.push(VehicleType {
                name: format!("{}/{}", carrier.id, class.id),
                capacity: Load([
                    i64::from(class.payload_kg) * 1000,
                    i64::from(class.volume_l) * 1000,
                    1_000_000,
                ]),
                start: k as u32,
                end: k as u32,
                shift: TimeWindow {
                    open: Time(i64::from(entry.shift.0)),
                    close: Time(i64::from(entry.shift.1)),
                },
                max_duration: Duration(i64::from(class.shift_s)),
                max_distance: Distance::MAX,
                fixed_cost: Cost(
                    (i64::from(class.cost_per_day) + i64::from(permit_fee)) * MILLI_CENTS_PER_CENT,
                ),
                cost_per_distance: i64::from(class.cost_per_km),
                cost_per_duration: i64::from(class.cost_per_hour) * 1000 / 3600,
                count: entry.count,
                profile: profile as u32,
                reload_depots: if tricycle { vec![k as u32] } else { Vec::new() },
                reload_time: Duration(RELOAD_S),
                battery,
            });
            vehicle_refs.push((c, f));
        }
    }
    let bay_location = |l: usize, b: usize| {
        let key = (b, owner_of(l));
        (first_bay + bay_locations.iter().position(|x| *x == key).unwrap_or(0)) as u32
    };
    let locker_location = |l: usize, k: usize| {
        let key = (k, owner_of(l));
        (first_locker + locker_locations.iter().position(|x| *x == key).unwrap_or(0)) as u32
    };
    // Receivers who accept only a locker are served at one (validation saw one in reach).
    let only_locker = |l: usize| {
        let (c, o) = order_refs[l];
        let carrier = &scenario.carriers[c];
        scenario.lockers.acceptance(&carrier.id, &carrier.orders[o]) == Acceptance::Only
            && !locker_options[l].is_empty()
    };
    let mut locker_uses = Vec::new();
    let mut walks = Vec::new();
    let orders = order_refs
        .iter()
        .enumerate()
        .map(|(l, &(c, o))| (l, &scenario.carriers[c].orders[o]))
        .map(|(l, d)| {
            let mut alternatives = Vec::new();
            let mut walk = Vec::new();
            if !only_locker(l) {
                alternatives.push(Alternative {
                    location: (first_order + l) as u32,
                    service: Duration(i64::from(d.service_s)),
                });
                walk.push(0.0);
                for &(b, metres, walk_s) in &options[l] {
                    alternatives.push(Alternative {
                        location: bay_location(l, b),
                        service: Duration(i64::from(d.service_s) + walk_s),
                    });
                    walk.push(metres);
                }
            }
            for &k in &locker_options[l] {
                let locker = &scenario.lockers.list[k];
                let need = scenario
                    .lockers
                    .needs(d, locker.kind)
                    .unwrap_or([u32::MAX; 3]);
                locker_uses.push(LockerUse {
                    order: l as u32,
                    alternative: alternatives.len() as u32,
                    amount: Load(need.map(i64::from)),
                    cost: Cost(
                        i64::from(scenario.lockers.cost_per_parcel_cents)
                            * i64::from(d.parcels.max(1))
                            * MILLI_CENTS_PER_CENT,
                    ),
                });
                alternatives.push(Alternative {
                    location: locker_location(l, k),
                    service: Duration(i64::from(scenario.lockers.service_s(locker, d))),
                });
                walk.push(0.0);
            }
            walks.push(walk);
            (d, alternatives)
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|(d, alternatives)| Order {
            id: d.id.clone(),
            alternatives,
            demand: Load([
                i64::from(d.weight_g),
                i64::from(d.volume_ml),
                i64::from(d.parcels),
            ]),
            pickup: Load([
                i64::from(d.pickup.weight_g),
                i64::from(d.pickup.volume_ml),
                i64::from(d.pickup.parcels),
            ]),
            windows: d
                .windows
                .iter()
                .map(|&(a, b)| TimeWindow {
                    open: Time(i64::from(a)),
                    close: Time(i64::from(b)),
                })
                .collect(),
            penalty: Some(Cost(UNSERVED_PENALTY)),
        })
        .collect();
    let day_start = i64::from(day_start);
    let sites = bays
        .iter()
        .enumerate()
        .map(|(k, &b)| {
            let bay = &scenario.bays[b];
            let windows = day_windows(&bay.hours, day_start);
            let max_dwell = vehicle_refs
                .iter()
                .map(|&(c, f)| {
                    let class = &scenario.classes[scenario.carriers[c].fleet[f].class];
                    let extra = if class.energy.is_new_energy() {
                        bay.clean_extra_s
                    } else {
                        0
                    };
                    Duration(i64::from(bay.max_dwell_s + extra))
                })
                .collect();
            Site {
                name: bay.id.clone(),
                location: (first_bay + k) as u32,
                aliases: (bays.len()..bay_locations.len())
                    .filter(|&x| bay_locations[x].0 == b)
                    .map(|x| (first_bay + x) as u32)
                    .collect(),
                capacity: bay.capacity,
                windows,
                max_dwell,
                booked: booked
                    .stays
                    .get(b)
                    .map(|v| v.iter().map(|&(a, e)| (Time(a), Time(e))).collect())
                    .unwrap_or_default(),
            }
        })
        .collect();
    let solver_lockers = lockers
        .iter()
        .enumerate()
        .map(|(x, &k)| {
            let locker = &scenario.lockers.list[k];
            SolverLocker {
                name: locker.id.clone(),
                location: (first_locker + x) as u32,
                aliases: (lockers.len()..locker_locations.len())
                    .filter(|&y| locker_locations[y].0 == k)
                    .map(|y| (first_locker + y) as u32)
                    .collect(),
                capacity: Load(locker.capacity.limits().map(i64::from)),
                booked: Load(booked.lockers.get(k).copied().unwrap_or([0; 3])),
                windows: day_windows(&locker.hours, day_start),
            }
        })
        .collect();
    let stations = scenario
        .stations
        .iter()
        .enumerate()
        .map(|(k, st)| ChargingStation {
            name: st.id.clone(),
            location: (first_station + k) as u32,
            rate: ChargeRate {
                time: Duration(3600),
                per: SolverEnergy((st.power_kw * 1000.0).round().max(1.0) as i64),
            },
            windows: day_windows(&st.hours, day_start),
        })
        .collect();
    // Zone fees and penalties per vehicle type, over the locations its class snaps to.
    let mut fee_rules = Vec::new();
    let fees: Vec<Option<ZoneFees>> = vehicle_types
        .iter()
        .zip(&vehicle_refs)
        .map(|(vt, &(c, f))| {
            let class = &scenario.classes[scenario.carriers[c].fleet[f].class];
            let (fees, rules) = zone_fees(scenario, tags, &specs[vt.profile as usize], class);
            fee_rules.push(rules);
            fees
        })
        .collect();
    let problem = Problem::with_stations(names, profiles, orders, vehicle_types, stations)
        .and_then(|p| p.with_sites(sites))
        .and_then(|p| p.with_lockers(solver_lockers, locker_uses))
        .and_then(|p| p.with_zone_fees(fees))
        .map_err(|source| PlanError::Solver {
            carrier: pool_label(scenario, members),
            source,
        })?;
    Ok(Pool {
        members: members.to_vec(),
        problem,
        specs,
        orders: order_refs,
        vehicle_types: vehicle_refs,
        first_order,
        first_bay,
        first_station,
        bays,
        bay_locations: bay_locations.iter().map(|x| x.0).collect(),
        first_locker,
        lockers,
        locker_locations: locker_locations.iter().map(|x| x.0).collect(),
        walks,
        fee_rules,
    })
}

/// The policy's fee and penalty rules that apply to `class` on the plan day, as solver charges
/// over the pool's locations (each location in the zones its road meets, snapped for `spec`),
/// and the rule behind each charge. `None` when none applies. Permits do not exempt from fees.
fn zone_fees(
    scenario: &Scenario,
    tags: &ZoneTags,
    spec: &ProfileSpec,
    class: &crate::vehicle::VehicleClass,
) -> (Option<ZoneFees>, Vec<usize>) {
    let day_start = i64::from(u32::from(scenario.day) * crate::time::DAY);
    let mut rules = Vec::new();
    let charges: Vec<ZoneCharge> = scenario
        .policy
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.vehicles.matches(class))
        .filter_map(|(k, r)| {
            let (entry, day) = match r.effect {
                Effect::Fee {
                    per_entry_cents,
                    per_day_cents,
                } => (per_entry_cents, per_day_cents),
                Effect::Penalty { per_entry_cents } => (per_entry_cents, 0),
                Effect::Forbid | Effect::PermitRequired => return None,
            };
            let windows = day_windows(&r.hours, day_start);
            if windows.is_empty() || entry + day == 0 {
                return None;
            }
            rules.push(k);
            Some(ZoneCharge {
                zones: r.zones.iter().fold(0, |m, &z| m | 1 << z),
                windows,
                per_entry: Cost(i64::from(entry) * MILLI_CENTS_PER_CENT),
                per_day: Cost(i64::from(day) * MILLI_CENTS_PER_CENT),
            })
        })
        .collect();
    if charges.is_empty() {
        return (None, rules);
    }
    let inside = spec
        .snaps
        .iter()
        .map(|s| s.map_or(0, |s| tags.road(s.road)))
        .collect();
    (Some(ZoneFees { inside, charges }), rules)
}

/// A weekly schedule as solver windows in seconds of the plan day (starting `day_start` s after
/// Monday 00:00), the next day included for late shifts; always open stays unbounded.
fn day_windows(hours: &crate::time::Schedule, day_start: i64) -> Vec<TimeWindow> {
    if *hours == crate::time::Schedule::always() {
        return vec![TimeWindow::ALWAYS];
    }
    let day = i64::from(crate::time::DAY);
    let mut w: Vec<TimeWindow> = Vec::new();
    for shift in [0, i64::from(crate::time::WEEK)] {
        for &(a, e) in hours.intervals() {
            let (a, e) = (
                i64::from(a) + shift - day_start,
                i64::from(e) + shift - day_start,
            );
            if e > -day && a < 2 * day {
                match w.last_mut() {
                    Some(last) if last.close.0 >= a => last.close = Time(e),
                    _ => w.push(TimeWindow {
                        open: Time(a),
                        close: Time(e),
                    }),
                }
            }
        }
    }
    w
}

/// One routing problem for a set of carriers (one carrier when planning alone).
pub(crate) struct Pool {
    /// The carriers (scenario indices); location `k` is member `k`'s depot.
    pub(crate) members: Vec<usize>,
    pub(crate) problem: Problem,
    pub(crate) specs: Vec<ProfileSpec>,
    /// Problem order index to `(carrier, order)` indices in the scenario.
    pub(crate) orders: Vec<(usize, usize)>,
    /// Problem vehicle type index to `(carrier, fleet entry)`.
    pub(crate) vehicle_types: Vec<(usize, usize)>,
    /// Location index of the first order (before it: the members' depots).
    pub(crate) first_order: usize,
    /// Location index of the first bay (after the orders).
    pub(crate) first_bay: usize,
    /// Location index of the first charging station (station `k` is scenario station `k`).
    pub(crate) first_station: usize,
    /// Scenario bay index of each site (site `k` is bay `bays[k]`).
    pub(crate) bays: Vec<usize>,
    /// Scenario bay index of each bay location (from `first_bay` on).
    pub(crate) bay_locations: Vec<usize>,
    /// Location index of the first parcel locker or pickup point (after the stations).
    pub(crate) first_locker: usize,
    /// Scenario locker index of each solver locker.
    pub(crate) lockers: Vec<usize>,
    /// Scenario locker index of each locker location (from `first_locker` on).
    pub(crate) locker_locations: Vec<usize>,
    /// Per problem order and alternative: walking metres, all loops (0 at the door or a locker).
    pub(crate) walks: Vec<Vec<f64>>,
    /// Per problem vehicle type: the policy rule behind each of its zone charges.
    pub(crate) fee_rules: Vec<Vec<usize>>,
}

/// An `n` x `n` solver matrix with `f(i, j)` in every cell, rows in parallel.
fn par_matrix<T: crate::solver::travel::Cell + Send>(
    n: usize,
    f: impl Fn(usize, usize) -> T + Sync,
) -> Matrix<T> {
    use rayon::prelude::*;
    if n == 0 {
        return Matrix::from_fn(0, f);
    }
    let mut data = vec![f(0, 0); n * n];
    data.par_chunks_mut(n).enumerate().for_each(|(i, row)| {
        for (j, cell) in row.iter_mut().enumerate() {
            *cell = f(i, j);
        }
    });
    Matrix::from_vec(n, data).unwrap_or_else(|| Matrix::from_fn(n, f))
}

/// A fleet entry's class and permit are missing from the matrix cache (a bug, reported as one).
fn missing_profile(scenario: &Scenario, entry: &crate::scenario::FleetEntry) -> PlanError {
    PlanError::Internal(format!(
        "no matrices for class `{}` with permit {:?}",
        scenario.classes[entry.class].id,
        entry.permit.map(|p| &scenario.policy.permits[p].id)
    ))
}

impl Pool {
    /// The scenario order behind problem order `o`.
    pub(crate) fn order<'s>(
        &self,
        scenario: &'s Scenario,
        o: u32,
    ) -> &'s crate::scenario::DeliveryOrder {
        let (c, i) = self.orders[o as usize];
        &scenario.carriers[c].orders[i]
    }
}
