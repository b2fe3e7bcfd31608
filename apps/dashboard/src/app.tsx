import { Route, Routes } from 'react-router';
import { Layout } from './components/layout';
import { ComposePage } from './pages/compose';
import { useToken } from './lib/session';
import { NotFoundPage } from './pages/not-found';
import { PhoneConversationPage } from './pages/phone-conversation';
import { SignInPage } from './pages/sign-in';
import { StudentPage } from './pages/student';
import { TilePage } from './pages/tile';

/** Signed out, every address shows the sign-in page, and shows its own view once signed in. */
export function App() {
  const token = useToken();
  if (!token) return <SignInPage />;
  return (
    <Routes>
      <Route element={<Layout token={token} />}>
        <Route index element={<TilePage />} />
        <Route path="students/:studentId" element={<StudentPage />} />
        <Route path="sms" element={<PhoneConversationPage />} />
        <Route path="compose" element={<ComposePage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
