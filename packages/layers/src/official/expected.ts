/**
 * The state_dict an official module holds, computed from its normalised config: every key, its
 * kind (float parameter or int64 buffer) and shape. Complex parameters are stored as
 * torch.view_as_real, so they carry a trailing axis of 2.
 *
 *   S4Block (prefix "layer." = FFTConv, "output_linear.0." = nn.Linear), c = channels,
 *   c' = c * (2 if bidirectional), N2 = d_state / 2:
 *     layer.D (c, H); layer.kernel.inv_dt (H, 1) ((H, N2) when dt_tie is false);
 *     layer.kernel.C (c', H, N2, 2); layer.kernel.B (1, n_ssm, N2, 2); layer.kernel.A_real,
 *     A_imag (n_ssm, N2); is_real: C (c', H, N2) and B (1, n_ssm, N2) real, no A_imag, and
 *     N2 = d_state when d_state is passed (S4BlockConfig.modes);
 *     DPLR also layer.kernel.P (rank, n_ssm, N2, 2) and layer.kernel.l_kernel (int64, []);
 *     output_linear.0.weight (2H, c*H), output_linear.0.bias (2H) ((H, c*H), (H) for a
 *     final_act other than glu; none for final_act None)
 *   S4D (s4d.py): D (H); kernel.C (H, N2, 2); kernel.log_dt (H); kernel.log_A_real,
 *     kernel.A_imag (H, N2); output_linear.0.weight (2H, H, 1) (Conv1d); output_linear.0.bias (2H)
 *   S4Model (example.py): encoder.weight (d_model, d_input), encoder.bias (d_model);
 *     s4_layers.i.* as S4D; norms.i.weight, norms.i.bias (d_model); decoder.weight
 *     (d_output, d_model), decoder.bias (d_output)
 */
import { convGroups, type NormalizedConfig } from "./config.js";

/** One tensor an official module's state_dict holds: its key, kind and shape. */
export interface ExpectedTensor {
  /** The state_dict key, e.g. "layer.kernel.C". */
  key: string;
  /** float: any float dtype (F32 as saved officially, F64, F16, BF16); int: I64 (or I32). */
  kind: "float" | "int";
  /** The expected shape (complex tensors carry a trailing axis of 2); [] for a scalar. */
  shape: number[];
}

function s4dLayer(prefix: string, H: number, N2: number): ExpectedTensor[] {
  return [
    { key: `${prefix}D`, kind: "float", shape: [H] },
    { key: `${prefix}kernel.C`, kind: "float", shape: [H, N2, 2] },
    { key: `${prefix}kernel.log_dt`, kind: "float", shape: [H] },
    { key: `${prefix}kernel.log_A_real`, kind: "float", shape: [H, N2] },
    { key: `${prefix}kernel.A_imag`, kind: "float", shape: [H, N2] },
    { key: `${prefix}output_linear.0.weight`, kind: "float", shape: [2 * H, H, 1] },
    { key: `${prefix}output_linear.0.bias`, kind: "float", shape: [2 * H] },
  ];
}

/** Every tensor the official module's state_dict() holds for this config. */
export function expectedTensors(cfg: NormalizedConfig): ExpectedTensor[] {
  if (cfg.module === "models/s4/s4.py:S4Block") {
    const H = cfg.dModel;
    const N2 = cfg.modes;
    const c = cfg.channels;
    // D and the kernel have the conv's channel groups (doubled for activation glu)
    const g = convGroups(cfg);
    const kc = g * (cfg.bidirectional ? 2 : 1);
    // is_real: C and B are real (no view_as_real axis) and there is no A_imag
    const z = cfg.param.isReal ? [] : [2];
    const t: ExpectedTensor[] = [
      { key: "layer.D", kind: "float", shape: [g, H] },
      { key: "layer.kernel.inv_dt", kind: "float", shape: [H, cfg.param.dtTie ? 1 : N2] },
      { key: "layer.kernel.C", kind: "float", shape: [kc, H, N2, ...z] },
      { key: "layer.kernel.B", kind: "float", shape: [1, cfg.nSsm, N2, ...z] },
      { key: "layer.kernel.A_real", kind: "float", shape: [cfg.nSsm, N2] },
    ];
    if (!cfg.param.isReal) t.push({ key: "layer.kernel.A_imag", kind: "float", shape: [cfg.nSsm, N2] });
    if (cfg.mode === "dplr") {
      t.push({ key: "layer.kernel.P", kind: "float", shape: [cfg.rank, cfg.nSsm, N2, 2] });
      t.push({ key: "layer.kernel.l_kernel", kind: "int", shape: [] });
    }
    // final_act: GLU doubles the Linear's outputs; None leaves the Linear out
    if (cfg.finalAct !== null) {
      const rows = cfg.finalAct === "glu" ? 2 * H : H;
      t.push({ key: "output_linear.0.weight", kind: "float", shape: [rows, c * H] });
      t.push({ key: "output_linear.0.bias", kind: "float", shape: [rows] });
    }
    return t;
  }
  if (cfg.module === "models/s4/s4d.py:S4D") return s4dLayer("", cfg.dModel, cfg.dState / 2);
  const H = cfg.dModel;
  const t: ExpectedTensor[] = [
    { key: "encoder.weight", kind: "float", shape: [H, cfg.dInput] },
    { key: "encoder.bias", kind: "float", shape: [H] },
  ];
  for (let i = 0; i < cfg.nLayers; i++) t.push(...s4dLayer(`s4_layers.${i}.`, H, cfg.dState / 2));
  for (let i = 0; i < cfg.nLayers; i++) {
    t.push({ key: `norms.${i}.weight`, kind: "float", shape: [H] });
    t.push({ key: `norms.${i}.bias`, kind: "float", shape: [H] });
  }
  t.push({ key: "decoder.weight", kind: "float", shape: [cfg.dOutput, H] });
  t.push({ key: "decoder.bias", kind: "float", shape: [cfg.dOutput] });
  return t;
}
