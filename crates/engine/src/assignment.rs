//! Maximum-weight bipartite assignment (the Hungarian method with potentials, O(n²·m)).

/// For a `rows × cols` score matrix (row-major), the column given to each row (`None` when
/// the row stays unassigned because there are fewer columns) so that the total score is
/// maximal. Among optimal assignments the result is deterministic for a given matrix.
///
/// # Panics
///
/// When `scores` does not hold `rows × cols` values.
pub(crate) fn maximum_assignment(scores: &[f64], rows: usize, cols: usize) -> Vec<Option<usize>> {
    assert_eq!(scores.len(), rows * cols, "score matrix has the wrong size");
    if rows == 0 || cols == 0 {
        return vec![None; rows];
    }
    if rows > cols {
        let mut transposed = vec![0.0; rows * cols];
        for r in 0..rows {
            for c in 0..cols {
                transposed[c * rows + r] = scores[r * cols + c];
            }
        }
        let by_col = maximum_assignment(&transposed, cols, rows);
        let mut out = vec![None; rows];
        for (c, r) in by_col.into_iter().enumerate() {
            if let Some(r) = r {
                out[r] = Some(c);
            }
        }
        return out;
    }
    let max = scores.iter().copied().fold(f64::MIN, f64::max);
    let cost = |r: usize, c: usize| max - scores[r * cols + c];
    // 1-based arrays as in the classical formulation; column 0 is the virtual start.
    let (n, m) = (rows, cols);
    let mut u = vec![0.0f64; n + 1];
    let mut v = vec![0.0f64; m + 1];
    let mut owner = vec![0usize; m + 1];
    let mut way = vec![0usize; m + 1];
    for i in 1..=n {
        owner[0] = i;
        let mut j0 = 0usize;
        let mut min = vec![f64::INFINITY; m + 1];
        let mut used = vec![false; m + 1];
        loop {
            used[j0] = true;
            let i0 = owner[j0];
            let mut delta = f64::INFINITY;
            let mut j1 = 0usize;
            for j in 1..=m {
                if !used[j] {
                    let cur = cost(i0 - 1, j - 1) - u[i0] - v[j];
                    if cur < min[j] {
                        min[j] = cur;
                        way[j] = j0;
                    }
                    if min[j] < delta {
                        delta = min[j];
                        j1 = j;
                    }
                }
            }
            for j in 0..=m {
                if used[j] {
                    u[owner[j]] += delta;
                    v[j] -= delta;
                } else {
                    min[j] -= delta;
                }
            }
            j0 = j1;
            if owner[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            owner[j0] = owner[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut out = vec![None; n];
    for j in 1..=m {
        if owner[j] != 0 {
            out[owner[j] - 1] = Some(j - 1);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::maximum_assignment;

    fn total(scores: &[f64], cols: usize, a: &[Option<usize>]) -> f64 {
        a.iter()
            .enumerate()
            .filter_map(|(r, c)| c.map(|c| scores[r * cols + c]))
            .sum()
    }

    #[test]
    fn finds_the_optimum_by_brute_force_on_small_matrices() {
        let scores = [
            3.0, 1.0, 2.0, //
            2.0, 4.0, 6.0, //
            5.0, 2.0, 1.0,
        ];
        let a = maximum_assignment(&scores, 3, 3);
        // Brute force over the 6 permutations.
        let perms = [
            [0, 1, 2],
            [0, 2, 1],
            [1, 0, 2],
            [1, 2, 0],
            [2, 0, 1],
            [2, 1, 0],
        ];
        let best = perms
            .iter()
            .map(|p| (0..3).map(|r| scores[r * 3 + p[r]]).sum::<f64>())
            .fold(f64::MIN, f64::max);
        assert!((total(&scores, 3, &a) - best).abs() < 1e-12);
        assert_eq!(a, vec![Some(1), Some(2), Some(0)]);
    }

    #[test]
    fn rectangular_matrices_leave_extra_rows_unassigned() {
        let scores = [1.0, 9.0, 8.0, 2.0, 7.0, 7.0];
        let a = maximum_assignment(&scores, 3, 2);
        assert_eq!(a.iter().filter(|c| c.is_some()).count(), 2);
        assert!((total(&scores, 2, &a) - 17.0).abs() < 1e-12);
    }
}
