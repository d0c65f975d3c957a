import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { ApiError } from '../api/client.ts';
import { ToastProvider } from '../components/Toast.tsx';
import { AccountPage } from '../features/accounts/AccountPage.tsx';
import { AccountsPage } from '../features/accounts/AccountsPage.tsx';
import { meKey } from '../features/auth/api.ts';
import { AcceptInvitationPage } from '../features/auth/AcceptInvitationPage.tsx';
import { SetupPage } from '../features/auth/SetupPage.tsx';
import { SignInPage } from '../features/auth/SignInPage.tsx';
import { ContactPage } from '../features/contacts/ContactPage.tsx';
import { ContactsPage } from '../features/contacts/ContactsPage.tsx';
import { ImportLeadsPage } from '../features/imports/ImportLeadsPage.tsx';
import { LeadPage } from '../features/leads/LeadPage.tsx';
import { LeadsPage } from '../features/leads/LeadsPage.tsx';
import { TrashPage } from '../features/leads/TrashPage.tsx';
import { ApiKeysSettings } from '../features/settings/ApiKeysSettings.tsx';
import { ProfileSettings } from '../features/settings/ProfileSettings.tsx';
import { SettingsLayout } from '../features/settings/SettingsLayout.tsx';
import { TeamsSettings } from '../features/settings/TeamsSettings.tsx';
import { UsersSettings } from '../features/settings/UsersSettings.tsx';
import { TodayPage } from '../features/today/TodayPage.tsx';
import { BoardPage } from '../features/opportunities/BoardPage.tsx';
import { OpportunityPage } from '../features/opportunities/OpportunityPage.tsx';
import { DecisionsPage } from '../features/routing/DecisionsPage.tsx';
import { MyTerritoryPage } from '../features/routing/MyTerritoryPage.tsx';
import { RoutingLayout } from '../features/routing/RoutingLayout.tsx';
import { RuleSetsPage } from '../features/routing/RuleSetsPage.tsx';
import { TerritoriesPage } from '../features/routing/TerritoriesPage.tsx';
import { installShortcuts } from '../lib/shortcuts.ts';
import { NotFound } from './NotFound.tsx';
import { RequireSession } from './RequireSession.tsx';

function createQueryClient(): QueryClient {
  // A 401 anywhere means the session ended (expired, signed out elsewhere): forget who we were,
  // and RequireSession sends the user to sign in.
  const onError = (error: unknown) => {
    if (error instanceof ApiError && error.status === 401) client.setQueryData(meKey, null);
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      },
    },
  });
  return client;
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  useEffect(() => installShortcuts(), []);

  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <BrowserRouter>
          <Routes>
            <Route path="/setup" element={<SetupPage />} />
            <Route path="/sign-in" element={<SignInPage />} />
            <Route path="/accept-invitation" element={<AcceptInvitationPage />} />
            <Route element={<RequireSession />}>
              <Route index element={<TodayPage />} />
              <Route path="leads" element={<LeadsPage />} />
              <Route path="leads/trash" element={<TrashPage />} />
              <Route path="leads/import" element={<ImportLeadsPage />} />
              <Route path="leads/:id" element={<LeadPage />} />
              <Route path="accounts" element={<AccountsPage />} />
              <Route path="accounts/:id" element={<AccountPage />} />
              <Route path="contacts" element={<ContactsPage />} />
              <Route path="contacts/:id" element={<ContactPage />} />
              <Route path="opportunities" element={<BoardPage />} />
              <Route path="opportunities/:id" element={<OpportunityPage />} />
              <Route path="my-territory" element={<MyTerritoryPage />} />
              <Route path="routing" element={<RoutingLayout />}>
                <Route index element={<Navigate to="territories" replace />} />
                <Route path="territories" element={<TerritoriesPage />} />
                <Route path="rules" element={<RuleSetsPage />} />
                <Route path="decisions" element={<DecisionsPage />} />
              </Route>
              <Route path="settings" element={<SettingsLayout />}>
                <Route index element={<Navigate to="profile" replace />} />
                <Route path="profile" element={<ProfileSettings />} />
                <Route path="api-keys" element={<ApiKeysSettings />} />
                <Route path="users" element={<UsersSettings />} />
                <Route path="teams" element={<TeamsSettings />} />
              </Route>
              <Route path="*" element={<NotFound />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </ToastProvider>
    </QueryClientProvider>
  );
}
