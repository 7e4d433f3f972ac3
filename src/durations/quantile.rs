//! The one quantile the estimator uses, so the median and the planning figure agree on
//! method: linear interpolation between order statistics, Hyndman & Fan (1996) type 7,
//! the default of R's `quantile` and NumPy's `percentile`. For sorted `x` of length `n`
//! and share `p`, with `h = (n - 1) p`: `x[floor h] + (h - floor h) (x[floor h + 1] -
//! x[floor h])`. It never leaves the range of the data, which keeps a planning figure
//! from a handful of records believable.

/// The `p` quantile (0 <= p <= 1) of `sorted` (ascending, finite); `None` when empty.
pub fn quantile(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

#[cfg(test)]
mod tests {
    use super::quantile;

    #[test]
    fn type_7_as_numpy_computes_it() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&x, 0.5), Some(2.5));
        // numpy.percentile([1, 2, 3, 4], 80) = 3.4
        assert!((quantile(&x, 0.8).unwrap() - 3.4).abs() < 1e-12);
        assert_eq!(quantile(&x, 0.0), Some(1.0));
        assert_eq!(quantile(&x, 1.0), Some(4.0));
        assert_eq!(quantile(&[7.0], 0.8), Some(7.0));
        assert_eq!(quantile(&[], 0.5), None);
    }
}
