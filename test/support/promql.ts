/**
 * PromQL checks with Prometheus' own grammar (@prometheus-io/lezer-promql, the
 * parser of the Prometheus web UI): syntax errors, and the metric names an
 * expression reads.
 */
import { parser } from '@prometheus-io/lezer-promql';

/** A parse result: the error positions (empty when the expression is valid) and the metric names it selects. */
export interface PromqlAnalysis {
  errors: string[];
  metrics: string[];
}

export function analysePromql(expr: string): PromqlAnalysis {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  const metrics = new Set<string>();
  tree.iterate({
    enter(node) {
      if (node.type.isError) errors.push(`syntax error at ${node.from}: ${JSON.stringify(expr.slice(Math.max(0, node.from - 10), node.to + 10))}`);
      if (node.name === 'VectorSelector') {
        const name = node.node.getChild('Identifier');
        if (name) metrics.add(expr.slice(name.from, name.to));
        // {__name__="x"} selects a metric too.
        const byName = /__name__\s*=\s*"([^"]+)"/.exec(expr.slice(node.from, node.to));
        if (byName) metrics.add(byName[1]);
      }
    },
  });
  return { errors, metrics: [...metrics].sort() };
}
