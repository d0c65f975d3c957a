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
import { VisibilitySettings } from '../features/settings/VisibilitySettings.tsx';
import { NotificationSettings } from '../features/notifications/NotificationSettings.tsx';
import { TeamsSettings } from '../features/settings/TeamsSettings.tsx';
import { UsersSettings } from '../features/settings/UsersSettings.tsx';
import { CustomFieldsSettings } from '../features/customfields/CustomFieldsSettings.tsx';
import { WebhooksSettings } from '../features/webhooks/WebhooksSettings.tsx';
import { TodayPage } from '../features/today/TodayPage.tsx';
import { QuotasPage } from '../features/quotas/QuotasPage.tsx';
import { ForecastsPage } from '../features/forecasts/ForecastsPage.tsx';
import { DashboardsPage } from '../features/reports/DashboardsPage.tsx';
import { IdeaPage } from '../features/feedback/IdeaPage.tsx';
import { IdeasBoardPage } from '../features/feedback/IdeasBoardPage.tsx';
import { EmailSettingsPage } from '../features/emails/EmailSettingsPage.tsx';
import { SequencePage } from '../features/sequences/SequencePage.tsx';
import { SequencesPage } from '../features/sequences/SequencesPage.tsx';
import { OutreachSettings } from '../features/today/OutreachSettings.tsx';
import { CallQueuePage } from '../features/calls/CallQueuePage.tsx';
import { TasksPage } from '../features/tasks/TasksPage.tsx';
import { BookingSettings } from '../features/meetings/BookingSettings.tsx';
import { MeetingsPage } from '../features/meetings/MeetingsPage.tsx';
import { PublicBookingPage } from '../features/meetings/PublicBookingPage.tsx';
import { BoardPage } from '../features/opportunities/BoardPage.tsx';
import { OpportunityPage } from '../features/opportunities/OpportunityPage.tsx';
import { ApprovalInboxPage } from '../features/approvals/ApprovalInboxPage.tsx';
import { DealPolicyPage } from '../features/pipelines/DealPolicyPage.tsx';
import { PipelineSettingsPage } from '../features/pipelines/PipelineSettingsPage.tsx';
import { SalesSetupLayout } from '../features/pipelines/SalesSetupLayout.tsx';
import { ProductsPage } from '../features/products/ProductsPage.tsx';
import { DecisionsPage } from '../features/routing/DecisionsPage.tsx';
import { MyTerritoryPage } from '../features/routing/MyTerritoryPage.tsx';
import { RoutingLayout } from '../features/routing/RoutingLayout.tsx';
import { RuleSetsPage } from '../features/routing/RuleSetsPage.tsx';
import { TerritoriesPage } from '../features/routing/TerritoriesPage.tsx';
import { DuplicatesPage } from '../features/duplicates/DuplicatesPage.tsx';
import { MergeHistoryPage } from '../features/duplicates/MergeHistoryPage.tsx';
import { FormEditorPage } from '../features/forms/FormEditorPage.tsx';
import { FormsPage } from '../features/forms/FormsPage.tsx';
import { QualificationSettingsPage } from '../features/qualification/QualificationSettingsPage.tsx';
import { ScoringRulesPage } from '../features/scoring/ScoringRulesPage.tsx';
import { SourcingHome, SourcingLayout } from '../features/sourcing/SourcingLayout.tsx';
import { PartnersPage } from '../features/partners/PartnersPage.tsx';
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
            <Route path="/book/:slug" element={<PublicBookingPage />} />
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
              <Route path="approvals" element={<ApprovalInboxPage />} />
              <Route path="quotas" element={<QuotasPage />} />
              <Route path="forecasts" element={<ForecastsPage />} />
              <Route path="reports" element={<DashboardsPage />} />
              <Route path="ideas" element={<IdeasBoardPage />} />
              <Route path="ideas/:id" element={<IdeaPage />} />
              <Route path="sales-setup" element={<SalesSetupLayout />}>
                <Route index element={<Navigate to="pipelines" replace />} />
                <Route path="pipelines" element={<PipelineSettingsPage />} />
                <Route path="products" element={<ProductsPage />} />
                <Route path="policy" element={<DealPolicyPage />} />
              </Route>
              <Route path="my-territory" element={<MyTerritoryPage />} />
              <Route path="meetings" element={<MeetingsPage />} />
              <Route path="calls" element={<CallQueuePage />} />
              <Route path="tasks" element={<TasksPage />} />
              <Route path="sequences" element={<SequencesPage />} />
              <Route path="sequences/:id" element={<SequencePage />} />
              <Route path="routing" element={<RoutingLayout />}>
                <Route index element={<Navigate to="territories" replace />} />
                <Route path="territories" element={<TerritoriesPage />} />
                <Route path="rules" element={<RuleSetsPage />} />
                <Route path="decisions" element={<DecisionsPage />} />
              </Route>
              <Route path="partners/*" element={<PartnersPage />} />
              <Route path="sourcing" element={<SourcingLayout />}>
                <Route index element={<SourcingHome />} />
                <Route path="forms" element={<FormsPage />} />
                <Route path="forms/:id" element={<FormEditorPage />} />
                <Route path="duplicates" element={<DuplicatesPage />} />
                <Route path="merges" element={<MergeHistoryPage />} />
                <Route path="qualification" element={<QualificationSettingsPage />} />
                <Route path="scoring" element={<ScoringRulesPage />} />
              </Route>
              <Route path="settings" element={<SettingsLayout />}>
                <Route index element={<Navigate to="profile" replace />} />
                <Route path="profile" element={<ProfileSettings />} />
                <Route path="api-keys" element={<ApiKeysSettings />} />
                <Route path="users" element={<UsersSettings />} />
                <Route path="custom-fields" element={<CustomFieldsSettings />} />
                <Route path="teams" element={<TeamsSettings />} />
                <Route path="outreach" element={<OutreachSettings />} />
                <Route path="booking" element={<BookingSettings />} />
                <Route path="email" element={<EmailSettingsPage />} />
                <Route path="webhooks" element={<WebhooksSettings />} />
                <Route path="notifications" element={<NotificationSettings />} />
                <Route path="visibility" element={<VisibilitySettings />} />
              </Route>
              <Route path="*" element={<NotFound />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </ToastProvider>
    </QueryClientProvider>
  );
}
