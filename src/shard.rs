//! Shards: which runs of a sweep or share table one process (one task of a cluster job array)
//! plans.
//!
//! A sweep or a share table is a list of independent runs, each identified by a content hash
//! (`io::runs`). Shard `I` of `N` plans runs `I, I + N, I + 2N, ...` of that list. The index and
//! count come from `--shard I/N`, or from the scheduler's environment: Slurm job arrays
//! (`SLURM_ARRAY_TASK_ID` minus `SLURM_ARRAY_TASK_MIN`, out of `SLURM_ARRAY_TASK_COUNT`) or
//! Kubernetes Indexed Jobs (`JOB_COMPLETION_INDEX`, with the count given separately, since
//! Kubernetes does not export it).
//!
//! Owns: [`Shard`] and [`Shard::from_env`]. Must never: read the process environment itself (the
//! caller hands in a lookup, so tests and the CLI share one code path) or plan anything.
//! Invariants: `index < count`; the shards `0..count` of a list partition it (every run in
//! exactly one shard).

use std::fmt;

/// Shard `index` of `count`: runs `index, index + count, ...` of a run list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This shard, from 0.
    pub index: usize,
    /// How many shards share the list (1 or more).
    pub count: usize,
}

impl Default for Shard {
    fn default() -> Shard {
        Shard::ALL
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// One shard holding every run.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// A shard, if `index < count`.
    pub fn new(index: usize, count: usize) -> Result<Shard, String> {
        if count == 0 {
            return Err("the shard count must be 1 or more".into());
        }
        if index >= count {
            return Err(format!(
                "shard index {index} is not below the shard count {count} (indices run from 0)"
            ));
        }
        Ok(Shard { index, count })
    }

    /// Parse `I/N` (`--shard 0/4` is the first of four shards).
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}`: expected I/N, e.g. 0/4 for the first of 4 shards"))?;
        let number = |s: &str, what: &str| {
            s.trim()
                .parse::<usize>()
                .map_err(|_| format!("`{text}`: the {what} `{s}` is not a whole number"))
        };
        Shard::new(number(i, "index")?, number(n, "count")?)
    }

    /// The shard the scheduler gave this process, when there is no `--shard`: a Slurm array
    /// task (`SLURM_ARRAY_TASK_ID` - `SLURM_ARRAY_TASK_MIN` of `SLURM_ARRAY_TASK_COUNT`), else a
    /// Kubernetes Indexed Job's `JOB_COMPLETION_INDEX` of `count` (required there), else every
    /// run ([`Shard::ALL`]). `var` looks up an environment variable.
    pub fn from_env(
        var: &dyn Fn(&str) -> Option<String>,
        count: Option<usize>,
    ) -> Result<Shard, String> {
        let number = |name: &str| -> Result<Option<usize>, String> {
            match var(name) {
                None => Ok(None),
                Some(v) => v
                    .trim()
                    .parse::<usize>()
                    .map(Some)
                    .map_err(|_| format!("{name}=`{v}` is not a whole number")),
            }
        };
        if let Some(id) = number("SLURM_ARRAY_TASK_ID")? {
            let total = match (number("SLURM_ARRAY_TASK_COUNT")?, count) {
                (Some(n), _) | (None, Some(n)) => n,
                (None, None) => {
                    return Err(
                        "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; \
                                give --shard I/N"
                            .into(),
                    )
                }
            };
            let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let index = id.checked_sub(min).ok_or_else(|| {
                format!("SLURM_ARRAY_TASK_ID {id} is below SLURM_ARRAY_TASK_MIN {min}")
            })?;
            if let Some(step) = number("SLURM_ARRAY_TASK_STEP")? {
                if step != 1 {
                    return Err(format!(
                        "a job array with step {step} does not number its tasks 0..N; submit \
                         --array=0-{} (step 1) or give --shard I/N",
                        total.saturating_sub(1)
                    ));
                }
            }
            return Shard::new(index, total).map_err(|e| format!("Slurm array task: {e}"));
        }
        if let Some(index) = number("JOB_COMPLETION_INDEX")? {
            let total = count.ok_or(
                "JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job): give the job's \
                 completions as --shard-count N",
            )?;
            return Shard::new(index, total).map_err(|e| format!("Indexed Job: {e}"));
        }
        match count {
            Some(n) => Err(format!(
                "--shard-count {n} is given, but neither SLURM_ARRAY_TASK_ID nor \
                 JOB_COMPLETION_INDEX is set; give --shard I/N"
            )),
            None => Ok(Shard::ALL),
        }
    }

    /// Is run number `k` of the list in this shard?
    pub fn holds(&self, k: usize) -> bool {
        k % self.count == self.index
    }

    /// The positions in a list of `len` runs that this shard holds.
    pub fn positions(&self, len: usize) -> impl Iterator<Item = usize> + '_ {
        (self.index..len).step_by(self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn parse_accepts_i_of_n_and_names_what_is_wrong() {
        assert_eq!(Shard::parse("0/4"), Ok(Shard { index: 0, count: 4 }));
        assert_eq!(Shard::parse("3/4").unwrap().to_string(), "3/4");
        assert!(Shard::parse("4/4").unwrap_err().contains("not below"));
        assert!(Shard::parse("1/0").unwrap_err().contains("1 or more"));
        assert!(Shard::parse("x/2").unwrap_err().contains("`x`"));
        assert!(Shard::parse("2").unwrap_err().contains("I/N"));
    }

    #[test]
    fn the_shards_of_a_list_partition_it() {
        for count in 1..6 {
            let mut seen = vec![0; 17];
            for index in 0..count {
                let s = Shard::new(index, count).unwrap();
                for k in s.positions(17) {
                    assert!(s.holds(k));
                    seen[k] += 1;
                }
            }
            assert!(seen.iter().all(|&n| n == 1), "{count}: {seen:?}");
        }
    }

    #[test]
    fn scheduler_variables_give_the_shard() {
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "5"),
            ("SLURM_ARRAY_TASK_MIN", "4"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ]);
        assert_eq!(Shard::from_env(&slurm, None), Ok(Shard::new(1, 3).unwrap()));
        let stepped = env(&[
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
            ("SLURM_ARRAY_TASK_STEP", "2"),
        ]);
        assert!(Shard::from_env(&stepped, None)
            .unwrap_err()
            .contains("step 2"));
        let k8s = env(&[("JOB_COMPLETION_INDEX", "2")]);
        assert_eq!(
            Shard::from_env(&k8s, Some(4)),
            Ok(Shard::new(2, 4).unwrap())
        );
        assert!(Shard::from_env(&k8s, None)
            .unwrap_err()
            .contains("--shard-count"));
        assert!(Shard::from_env(&k8s, Some(2))
            .unwrap_err()
            .contains("not below"));
        let none = env(&[]);
        assert_eq!(Shard::from_env(&none, None), Ok(Shard::ALL));
        assert!(Shard::from_env(&none, Some(3)).is_err());
        let bad = env(&[("JOB_COMPLETION_INDEX", "two")]);
        assert!(Shard::from_env(&bad, Some(3)).unwrap_err().contains("two"));
    }
}
