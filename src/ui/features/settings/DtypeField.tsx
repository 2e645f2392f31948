// The model's weight precision (dtype) for Settings: automatic (the device's choice) or one the model has weights
// for, each with its download size. Changing it re-embeds the library, which the status bar asks about first.
import type { EngineSettings, ModelDtype } from '../../../engine/api/index.ts';
import { listModels, offeredDtypes } from '../../../engine/public.ts';

type Choice = EngineSettings['dtype'];

const NAMES: Record<ModelDtype, string> = {
  fp32: 'fp32 (full precision)',
  fp16: 'fp16 (half precision)',
  q8: 'q8 (8-bit quantized)',
  q4: 'q4 (4-bit quantized)',
};

function specOf(modelId: string) {
  return listModels().find((spec) => spec.id === modelId);
}

/** Whether `choice` is valid for the model ('auto' always is). */
export function dtypeOffered(modelId: string, choice: Choice): boolean {
  if (choice === 'auto') return true;
  const spec = specOf(modelId);
  return spec ? offeredDtypes(spec).includes(choice) : false;
}

export function DtypeField({
  modelId,
  value,
  onChange,
}: {
  modelId: string;
  value: Choice;
  onChange: (value: Choice) => void;
}) {
  const spec = specOf(modelId);
  const offered = spec ? offeredDtypes(spec) : [];
  const auto = spec
    ? `Automatic (${spec.dtype.webgpu} on WebGPU, ${spec.dtype.wasm} on WASM)`
    : 'Automatic (the device’s choice)';
  return (
    <label className="field">
      <span className="field__label">Precision (dtype)</span>
      <select
        value={dtypeOffered(modelId, value) ? value : 'auto'}
        onChange={(e) => onChange(e.target.value as Choice)}
        data-testid="setting-dtype"
      >
        <option value="auto">{auto}</option>
        {offered.map((dtype) => (
          <option key={dtype} value={dtype}>
            {NAMES[dtype]} — {spec?.sizeMB[dtype]} MB download
          </option>
        ))}
      </select>
      <span className="field__hint">
        Smaller weights embed faster on WASM; WebGPU is checked against WASM before it is trusted. If your library’s
        vectors have another precision, Trove asks before embedding them again.
      </span>
    </label>
  );
}
