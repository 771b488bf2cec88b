//! Turn restrictions (`type=restriction` relations): which turns are banned, for which vehicles.
//!
//! Owns: [`TurnRestriction`] and the parsing of a relation's tags and members. Must never: apply
//! restrictions to a graph (`graph::build` splits the via node). Only restrictions with a via
//! *node* are applied; via-way restrictions are kept and counted as unsupported.

use crate::vehicle::{Category, VehicleClass};

/// A banned or mandatory turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TurnKind {
    /// `no_left_turn`, `no_right_turn`, `no_straight_on`, `no_u_turn`, `no_entry`, `no_exit`: the
    /// turn from `from` to `to` is banned.
    No,
    /// `only_left_turn`, `only_right_turn`, `only_straight_on`, `only_u_turn`: from `from`, only
    /// `to` may be taken.
    Only,
}

/// Where a restriction turns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    /// At a node (supported).
    Node(i64),
    /// Along one or more ways (kept, not applied).
    Ways(Vec<i64>),
}

/// One turn restriction relation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TurnRestriction {
    /// OSM relation id.
    pub id: i64,
    /// The way the vehicle comes from.
    pub from_way: i64,
    /// Where it turns.
    pub via: Via,
    /// The way it turns into.
    pub to_way: i64,
    /// Banned or mandatory.
    pub kind: TurnKind,
    /// Transport modes it is limited to (`restriction:hgv=...`); empty = all vehicles.
    pub only_for: Vec<String>,
    /// Transport modes exempted (`except=bicycle;psv`).
    pub except: Vec<String>,
}

/// Does an OSM transport mode name cover vehicles of `class`?
fn mode_covers(mode: &str, class: &VehicleClass) -> bool {
    let motor = class.category.is_motor_vehicle();
    match mode {
        "vehicle" => true,
        "motor_vehicle" | "motorcar" => motor,
        "goods" => motor && !class.is_hgv(),
        "hgv" => class.is_hgv(),
        "moped" | "mofa" => class.category == Category::ETricycle,
        _ => false,
    }
}

impl TurnRestriction {
    /// Does the restriction bind vehicles of `class`?
    pub fn applies_to(&self, class: &VehicleClass) -> bool {
        let selected =
            self.only_for.is_empty() || self.only_for.iter().any(|m| mode_covers(m, class));
        selected && !self.except.iter().any(|m| mode_covers(m, class))
    }

    /// Read a relation; `Ok(None)` if it is not a turn restriction, `Err` with the reason if it is
    /// one cityfreight cannot use (unknown value, missing member, conditional).
    pub fn from_relation(
        id: i64,
        tag: impl Fn(&str) -> Option<String>,
        members: impl Iterator<Item = (MemberKind, i64, String)>,
    ) -> Result<Option<TurnRestriction>, String> {
        match tag("type").as_deref() {
            Some(t) if t == "restriction" || t.starts_with("restriction:") => {}
            _ => return Ok(None),
        }
        let mut value = None;
        let mut only_for = Vec::new();
        for mode in [
            "",
            "hgv",
            "goods",
            "motorcar",
            "motor_vehicle",
            "vehicle",
            "moped",
        ] {
            let key = if mode.is_empty() {
                "restriction".to_string()
            } else {
                format!("restriction:{mode}")
            };
            if let Some(v) = tag(&key) {
                value = Some(v);
                if !mode.is_empty() {
                    only_for.push(mode.to_string());
                }
            }
        }
        let Some(value) = value else {
            return Err(if tag("restriction:conditional").is_some() {
                "conditional restriction (not supported)".to_string()
            } else {
                "no restriction value for a vehicle mode cityfreight models".to_string()
            });
        };
        let kind = if value.starts_with("no_") {
            TurnKind::No
        } else if value.starts_with("only_") {
            TurnKind::Only
        } else {
            return Err(format!("unknown restriction value `{value}`"));
        };
        let except = tag("except")
            .map(|e| e.split(';').map(|m| m.trim().to_string()).collect())
            .unwrap_or_default();
        let (mut from, mut to, mut via_node, mut via_ways) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (kind, member, role) in members {
            match (kind, role.as_str()) {
                (MemberKind::Way, "from") => from.push(member),
                (MemberKind::Way, "to") => to.push(member),
                (MemberKind::Node, "via") => via_node.push(member),
                (MemberKind::Way, "via") => via_ways.push(member),
                _ => {}
            }
        }
        let via = match (via_node.as_slice(), via_ways.is_empty()) {
            ([node], true) => Via::Node(*node),
            ([], false) => Via::Ways(via_ways),
            _ => return Err("needs exactly one via node or via way(s)".to_string()),
        };
        match (from.as_slice(), to.as_slice()) {
            ([from_way], [to_way]) => Ok(Some(TurnRestriction {
                id,
                from_way: *from_way,
                via,
                to_way: *to_way,
                kind,
                only_for,
                except,
            })),
            _ => Err(format!(
                "needs one `from` and one `to` way, has {} and {}",
                from.len(),
                to.len()
            )),
        }
    }
}

/// The kind of a relation member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberKind {
    /// A node.
    Node,
    /// A way.
    Way,
    /// A relation.
    Relation,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vehicle::default_classes;

    fn parse(
        tags: &[(&str, &str)],
        members: &[(MemberKind, i64, &str)],
    ) -> Result<Option<TurnRestriction>, String> {
        let tags: Vec<(String, String)> = tags
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        TurnRestriction::from_relation(
            7,
            |k| {
                tags.iter()
                    .find(|(key, _)| key == k)
                    .map(|(_, v)| v.clone())
            },
            members.iter().map(|(k, id, r)| (*k, *id, r.to_string())),
        )
    }

    #[test]
    fn reads_a_plain_and_an_hgv_only_restriction() {
        let members = [
            (MemberKind::Way, 1, "from"),
            (MemberKind::Node, 5, "via"),
            (MemberKind::Way, 2, "to"),
        ];
        let r = parse(
            &[
                ("type", "restriction"),
                ("restriction", "no_left_turn"),
                ("except", "bicycle"),
            ],
            &members,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (r.from_way, r.via.clone(), r.to_way, r.kind),
            (1, Via::Node(5), 2, TurnKind::No)
        );
        let classes = default_classes();
        assert!(classes.iter().all(|c| r.applies_to(c)));
        let hgv = parse(
            &[
                ("type", "restriction"),
                ("restriction:hgv", "only_straight_on"),
            ],
            &members,
        )
        .unwrap()
        .unwrap();
        assert_eq!(hgv.kind, TurnKind::Only);
        assert!(hgv.applies_to(&classes[4]) && !hgv.applies_to(&classes[1]));
    }

    #[test]
    fn rejects_what_it_cannot_use() {
        let members = [(MemberKind::Way, 1, "from"), (MemberKind::Way, 2, "to")];
        assert!(parse(
            &[("type", "restriction"), ("restriction", "no_left_turn")],
            &members
        )
        .is_err());
        assert!(parse(&[("type", "multipolygon")], &members)
            .unwrap()
            .is_none());
        assert!(parse(
            &[("type", "restriction"), ("restriction", "maybe")],
            &members
        )
        .is_err());
    }
}
