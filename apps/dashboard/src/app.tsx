import { Route, Routes } from 'react-router';
import { Layout } from './components/layout';
import { AuditPage } from './pages/admin/audit';
import { DirectoryPage } from './pages/admin/directory';
import { NumbersPage } from './pages/admin/numbers';
import { BulkPage } from './pages/bulk';
import { ComposePage } from './pages/compose';
import { ConversationsLayout, NoConversationOpen } from './pages/conversations';
import { useToken } from './lib/session';
import { NotFoundPage } from './pages/not-found';
import { SmsPage } from './pages/global-sms';
import { ScheduledPage } from './pages/scheduled';
import { SignInPage } from './pages/sign-in';
import { StudentPage } from './pages/student';

/** Signed out, every address shows the sign-in page, and shows its own view once signed in. */
export function App() {
  const token = useToken();
  if (!token) return <SignInPage />;
  return (
    <Routes>
      <Route element={<Layout token={token} />}>
        <Route element={<ConversationsLayout />}>
          <Route index element={<NoConversationOpen />} />
          <Route path="students/:studentId" element={<StudentPage />} />
          <Route path="sms" element={<SmsPage />} />
        </Route>
        <Route path="compose" element={<ComposePage />} />
        <Route path="bulk" element={<BulkPage />} />
        <Route path="scheduled" element={<ScheduledPage />} />
        <Route path="admin/numbers" element={<NumbersPage />} />
        <Route path="admin/directory" element={<DirectoryPage />} />
        <Route path="admin/audit" element={<AuditPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
