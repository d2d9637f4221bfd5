/**
 * A list filter kept in the page's address: a labelled select whose first option
 * ("any") clears it. `useAddressFilters` reads and writes those query parameters.
 */
import { useSearchParams } from "react-router";

export interface FilterOption {
  value: string;
  label: string;
}

export function FilterSelect({
  id,
  label,
  anyLabel,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  anyLabel: string;
  value: string | undefined;
  options: readonly FilterOption[];
  onChange: (value: string) => void;
}) {
  return (
    <div className="field field--inline">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ""} onChange={(e) => onChange(e.target.value)}>
        <option value="">{anyLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * The page's query parameters, and a setter that replaces one (an empty value removes
 * it) without adding a history entry. `clears` names parameters that depend on
 * another and are dropped when it changes (a post filter when the blog changes).
 */
export function useAddressFilters(clears: Record<string, readonly string[]> = {}) {
  const [params, setParams] = useSearchParams();
  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    for (const dependent of clears[name] ?? []) next.delete(dependent);
    setParams(next, { replace: true });
  };
  return { params, setFilter };
}
