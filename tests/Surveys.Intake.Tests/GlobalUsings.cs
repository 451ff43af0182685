global using Surveys.Testing;
