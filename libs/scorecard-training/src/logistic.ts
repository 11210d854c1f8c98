/**
 * L2-penalised logistic regression fitted by Newton–Raphson (IRLS), in plain JS numbers: model
 * fitting is statistics, not money. Deterministic: fixed start (all zeros), a fixed iteration
 * limit and a fixed convergence tolerance.
 */

export interface LogisticOptions {
  /** Ridge penalty on the coefficients (not on the intercept): adds λ·β to the gradient. */
  readonly l2Penalty: number;
  readonly maxIterations: number;
  /** Stop when no parameter moves by more than this in one Newton step. */
  readonly tolerance: number;
}

export interface LogisticFit {
  readonly intercept: number;
  readonly coefficients: number[];
  readonly iterations: number;
}

/** Solves A·x = b by Gaussian elimination with partial pivoting (A is small and dense). */
export function solveLinear(matrix: readonly (readonly number[])[], vector: readonly number[]) {
  const n = vector.length;
  const a = matrix.map((row, i) => [...row, vector[i] ?? 0]);
  for (let col = 0; col < n; col += 1) {
    let pivot = col;
    for (let row = col + 1; row < n; row += 1) {
      if (Math.abs(a[row]?.[col] ?? 0) > Math.abs(a[pivot]?.[col] ?? 0)) pivot = row;
    }
    const pivotRow = a[pivot] as number[];
    const pivotValue = pivotRow[col] ?? 0;
    if (Math.abs(pivotValue) < 1e-12) throw new Error('logistic regression: singular Hessian');
    a[pivot] = a[col] as number[];
    a[col] = pivotRow;
    for (let row = col + 1; row < n; row += 1) {
      const target = a[row] as number[];
      const ratio = (target[col] ?? 0) / pivotValue;
      for (let k = col; k <= n; k += 1) target[k] = (target[k] ?? 0) - ratio * (pivotRow[k] ?? 0);
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row -= 1) {
    const r = a[row] as number[];
    let sum = r[n] ?? 0;
    for (let k = row + 1; k < n; k += 1) sum -= (r[k] ?? 0) * (x[k] ?? 0);
    x[row] = sum / (r[row] ?? 1);
  }
  return x;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Fits P(y = 1 | x) = σ(α + β·x). `rows[i]` are the features of observation i, `y[i]` ∈ {0, 1}. */
export function fitLogistic(
  rows: readonly (readonly number[])[],
  y: readonly number[],
  options: LogisticOptions,
): LogisticFit {
  const p = (rows[0]?.length ?? 0) + 1;
  let theta = new Array<number>(p).fill(0);
  let iterations = 0;
  for (; iterations < options.maxIterations;) {
    iterations += 1;
    const gradient = new Array<number>(p).fill(0);
    const hessian = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    rows.forEach((features, i) => {
      const x = [1, ...features];
      const eta = x.reduce((s, v, j) => s + v * (theta[j] ?? 0), 0);
      const mu = sigmoid(eta);
      const w = mu * (1 - mu);
      const residual = (y[i] ?? 0) - mu;
      for (let j = 0; j < p; j += 1) {
        gradient[j] = (gradient[j] ?? 0) + residual * (x[j] ?? 0);
        const hj = hessian[j] as number[];
        for (let k = 0; k < p; k += 1) hj[k] = (hj[k] ?? 0) + w * (x[j] ?? 0) * (x[k] ?? 0);
      }
    });
    for (let j = 1; j < p; j += 1) {
      gradient[j] = (gradient[j] ?? 0) - options.l2Penalty * (theta[j] ?? 0);
      const hj = hessian[j] as number[];
      hj[j] = (hj[j] ?? 0) + options.l2Penalty;
    }
    const step = solveLinear(hessian, gradient);
    theta = theta.map((t, j) => t + (step[j] ?? 0));
    if (Math.max(...step.map(Math.abs)) < options.tolerance) break;
  }
  return { intercept: theta[0] ?? 0, coefficients: theta.slice(1), iterations };
}
