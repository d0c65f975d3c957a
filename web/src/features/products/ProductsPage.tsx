import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { Dialog, DialogActions } from '../../components/Dialog.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Field, Input, Select, controlClass } from '../../components/Field.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Notice, errorMessage } from '../../components/Notice.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Table, tdClass, thClass } from '../../components/Table.tsx';
import { useToast } from '../../components/Toast.tsx';
import { useSession } from '../auth/session.tsx';
import { useCreateProduct, usePriceBook, useUpdateProduct, type Billing, type PriceBookProduct, type ProductInput } from './api.ts';

const BILLING_LABELS: Record<Billing, string> = { recurring: 'Recurring (per month)', one_time: 'One-time' };

/** The currency's minor units per major unit, or null for a code Intl does not know. */
function minorUnits(currency: string): number | null {
  try {
    return 10 ** (new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2);
  } catch {
    return null;
  }
}

/** A list price with all its minor digits (€2,300.50): a price book is read to the cent. */
function listPrice(minor: number, currency: string): string {
  const unit = minorUnits(currency);
  return unit === null ? `${minor} ${currency}` : new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(minor / unit);
}

/** The price book: products with a list price per currency; admins and managers edit it. */
export function ProductsPage() {
  const me = useSession();
  const canEdit = me.user.role === 'admin' || me.user.role === 'manager';
  const [q, setQ] = useState('');
  const book = usePriceBook(q);
  const [editing, setEditing] = useState<PriceBookProduct | 'new' | null>(null);
  const products = book.data?.data ?? [];

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <div className="min-w-0 flex-1">
          <SearchBox value={q} onChange={setQ} label="Search products by name or SKU" placeholder="Search name or SKU" />
        </div>
        {canEdit && (
          <Button variant="primary" onClick={() => setEditing('new')}>
            <Icon name="plus" className="size-4" /> New product
          </Button>
        )}
      </div>
      {book.isPending ? (
        <Spinner />
      ) : book.isError ? (
        <Notice>{errorMessage(book.error)}</Notice>
      ) : products.length === 0 ? (
        <EmptyState title={q ? 'No product matches' : 'The price book is empty'}>
          {q ? 'Try another name or SKU.' : 'Add the products you sell, with a list price in each currency you quote in. Line items on deals pick from here.'}
        </EmptyState>
      ) : (
        <div className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
          <Table label="Price book">
            <thead>
              <tr>
                <th className={thClass}>Product</th>
                <th className={`${thClass} hidden sm:table-cell`}>Billing</th>
                <th className={thClass}>List prices</th>
                {canEdit && <th className={thClass}><span className="sr-only">Actions</span></th>}
              </tr>
            </thead>
            <tbody>
              {products.map((product) => (
                <tr key={product.id} className={product.active ? '' : 'text-slate-400'}>
                  <td className={tdClass}>
                    <span className="block font-medium text-slate-900">{product.name}</span>
                    <span className="block text-xs text-slate-500">
                      {product.sku}
                      <span className="sm:hidden"> · {product.billing === 'recurring' ? 'per month' : 'one-time'}</span>
                    </span>
                    {!product.active && <Badge>Not sold</Badge>}
                  </td>
                  <td className={`${tdClass} hidden sm:table-cell`}>{BILLING_LABELS[product.billing]}</td>
                  <td className={tdClass}>
                    {product.prices.length === 0 ? (
                      <span className="text-slate-400">No price</span>
                    ) : (
                      <ul className="space-y-0.5">
                        {product.prices.map((p) => (
                          <li key={p.currency} className="tabular-nums">
                            {listPrice(p.unitPrice, p.currency)}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  {canEdit && (
                    <td className={`${tdClass} text-right`}>
                      <Button size="sm" variant="ghost" onClick={() => setEditing(product)} aria-label={`Edit ${product.name}`}>
                        Edit
                      </Button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
      {editing !== null && <ProductDialog product={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </div>
  );
}

type PriceRow = { key: number; currency: string; price: string };

function ProductDialog({ product, onClose }: { product: PriceBookProduct | null; onClose: () => void }) {
  const create = useCreateProduct();
  const update = useUpdateProduct();
  const toast = useToast();
  const [sku, setSku] = useState(product?.sku ?? '');
  const [name, setName] = useState(product?.name ?? '');
  const [description, setDescription] = useState(product?.description ?? '');
  const [billing, setBilling] = useState<Billing>(product?.billing ?? 'recurring');
  const [active, setActive] = useState(product?.active ?? true);
  const [rows, setRows] = useState<PriceRow[]>(() =>
    (product?.prices.length ? product.prices : [{ currency: 'USD', unitPrice: 0 }]).map((p, key) => ({ key, currency: p.currency, price: String(p.unitPrice / (minorUnits(p.currency) ?? 100)) })),
  );
  const [problems, setProblems] = useState<Record<string, string>>({});
  const saving = create.isPending || update.isPending;
  const error = create.error ?? update.error;
  const fields = error instanceof ApiError ? error.fields : {};

  const setRow = (key: number, change: Partial<PriceRow>) => setRows((all) => all.map((r) => (r.key === key ? { ...r, ...change } : r)));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    const prices = rows.flatMap((row, i) => {
      const currency = row.currency.trim().toUpperCase();
      const unit = minorUnits(currency);
      const amount = Number(row.price);
      if (!/^[A-Z]{3}$/.test(currency) || unit === null) found[`prices.${i}.currency`] = 'A three-letter ISO 4217 code';
      else if (row.price.trim() === '' || !Number.isFinite(amount) || amount < 0) found[`prices.${i}.unitPrice`] = 'A price of 0 or more';
      else if (rows.findIndex((r) => r.currency.trim().toUpperCase() === currency) !== i) found[`prices.${i}.currency`] = `${currency} is listed twice`;
      return unit === null ? [] : [{ currency, unitPrice: Math.round(amount * unit) }];
    });
    setProblems(found);
    if (Object.keys(found).length) return;
    const input: ProductInput = { sku: sku.trim(), name: name.trim(), description, billing, active, prices };
    const done = (saved: PriceBookProduct) => {
      toast(product ? `Saved ${saved.name}` : `Added ${saved.name} to the price book`);
      onClose();
    };
    if (product) update.mutate({ product, changes: input }, { onSuccess: done });
    else create.mutate(input, { onSuccess: done });
  };

  return (
    <Dialog open onClose={onClose} title={product ? `Edit ${product.name}` : 'New product'} description="Prices are list prices; reps discount per line item." wide>
      <form onSubmit={submit} className="space-y-4" noValidate>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Name" error={fields.name}>
            {(props) => <Input {...props} value={name} onChange={(e) => setName(e.target.value)} required maxLength={300} />}
          </Field>
          <Field label="SKU" error={fields.sku}>
            {(props) => <Input {...props} value={sku} onChange={(e) => setSku(e.target.value)} required maxLength={64} />}
          </Field>
          <Field label="Billing" error={fields.billing}>
            {(props) => (
              <Select {...props} value={billing} onChange={(e) => setBilling(e.target.value as Billing)}>
                {Object.entries(BILLING_LABELS).map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <label className="flex items-center gap-2 self-end pb-2 text-sm text-slate-700">
            <input type="checkbox" className="size-4 rounded border-slate-300" checked={active} onChange={(e) => setActive(e.target.checked)} />
            Sold (reps can add it to deals)
          </label>
        </div>
        <Field label="Description" error={fields.description}>
          {(props) => <textarea {...props} rows={2} className={`${controlClass} w-full`} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={5000} />}
        </Field>
        <fieldset>
          <legend className="mb-1 text-sm font-medium text-slate-700">List price per currency{billing === 'recurring' ? ', per month' : ''}</legend>
          <ul className="space-y-2">
            {rows.map((row, i) => (
              <li key={row.key} className="flex flex-wrap items-start gap-2">
                <div className="w-24">
                  <label htmlFor={`currency-${row.key}`} className="sr-only">
                    Currency of price {i + 1}
                  </label>
                  <Input
                    id={`currency-${row.key}`}
                    value={row.currency}
                    maxLength={3}
                    className="w-24 uppercase"
                    aria-invalid={Boolean(problems[`prices.${i}.currency`])}
                    onChange={(e) => setRow(row.key, { currency: e.target.value })}
                  />
                </div>
                <div className="min-w-0 flex-1">
                  <label htmlFor={`price-${row.key}`} className="sr-only">
                    Price {i + 1}
                  </label>
                  <Input
                    id={`price-${row.key}`}
                    inputMode="decimal"
                    value={row.price}
                    aria-invalid={Boolean(problems[`prices.${i}.unitPrice`])}
                    onChange={(e) => setRow(row.key, { price: e.target.value })}
                  />
                </div>
                <Button variant="ghost" aria-label={`Remove the ${row.currency || 'new'} price`} onClick={() => setRows((all) => all.filter((r) => r.key !== row.key))}>
                  <Icon name="trash" className="size-4" />
                </Button>
                {(problems[`prices.${i}.currency`] ?? problems[`prices.${i}.unitPrice`] ?? fields[`prices.${i}.currency`]) && (
                  <p className="w-full text-sm text-red-600">{problems[`prices.${i}.currency`] ?? problems[`prices.${i}.unitPrice`] ?? fields[`prices.${i}.currency`]}</p>
                )}
              </li>
            ))}
          </ul>
          <Button size="sm" className="mt-2" onClick={() => setRows((all) => [...all, { key: Math.max(0, ...all.map((r) => r.key)) + 1, currency: '', price: '' }])}>
            <Icon name="plus" className="size-4" /> Add a currency
          </Button>
        </fieldset>
        {error && !Object.keys(fields).length && <Notice>{errorMessage(error)}</Notice>}
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={saving}>
            {product ? 'Save' : 'Add product'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
