import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ifMatch, query } from '../../api/client.ts';
import type { Page } from '../../api/types.ts';

export type Billing = 'recurring' | 'one_time';
export type PriceBookEntry = { currency: string; unitPrice: number };
export type PriceBookProduct = { id: string; sku: string; name: string; description: string; billing: Billing; active: boolean; prices: PriceBookEntry[]; version: number };
export type ProductInput = { sku: string; name: string; description: string; billing: Billing; active: boolean; prices: PriceBookEntry[] };

const priceBookKey = ['price-book'] as const;

/** The whole price book (inactive products too), by name; `q` searches name and SKU. */
export const usePriceBook = (q: string) =>
  useQuery({
    queryKey: [...priceBookKey, q],
    queryFn: () => api<Page<PriceBookProduct>>(`/api/v1/products${query({ q, limit: 200 })}`),
    placeholderData: (previous) => previous,
  });

function useProductWrite<T>(fn: (input: T) => Promise<PriceBookProduct>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: priceBookKey });
      // The deal page's product picker reads the active products.
      void queryClient.invalidateQueries({ queryKey: ['products'] });
    },
  });
}

export const useCreateProduct = () => useProductWrite((input: ProductInput) => api<PriceBookProduct>('/api/v1/products', { method: 'POST', body: input }));
export const useUpdateProduct = () =>
  useProductWrite(({ product, changes }: { product: { id: string; version: number }; changes: Partial<ProductInput> }) =>
    api<PriceBookProduct>(`/api/v1/products/${product.id}`, { method: 'PATCH', body: changes, headers: ifMatch(product.version) }),
  );
